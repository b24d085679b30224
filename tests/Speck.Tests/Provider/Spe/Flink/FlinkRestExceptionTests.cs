using System.Net;
using Speck.Provider.Spe.Flink;

using Speck.Tests.Provider.Resources.StreamJob;

namespace Speck.Tests.Provider.Spe.Flink;

[Trait("Category", "Unit")]
public sealed class FlinkRestExceptionTests
{
    [Fact]
    public void A_handler_error_keeps_the_exception_line_and_the_root_cause_without_frames()
    {
        const string body = """
            {"errors":["org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute application.\n\tat org.apache.flink.runtime.webmonitor.handlers.JarRunHandler.lambda$handleRequest$1(JarRunHandler.java:114)\n\t... 12 more\nCaused by: java.util.concurrent.CompletionException: boom\n\tat x.y(Z.java:1)\nCaused by: org.apache.flink.runtime.client.DuplicateJobSubmissionException: Job has already been submitted.\n\tat a.b(C.java:2)\n"]}
            """;

        var e = FlinkRestException.From(HttpStatusCode.BadRequest, "POST /jars/x/run", body);

        Assert.Equal("Flink POST /jars/x/run answered 400: org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute application. "
            + "(root cause: org.apache.flink.runtime.client.DuplicateJobSubmissionException: Job has already been submitted.)", e.Message);
        Assert.True(e.Mentions("DuplicateJobSubmissionException"));
    }

    [Fact]
    public void An_internal_error_skips_flinks_boilerplate_and_a_body_that_is_not_json_is_kept()
    {
        const string body = """{"errors":["Internal server error.","<Exception on server side:\njava.lang.RuntimeException: disk full\n\tat q.r(S.java:3)\n\nEnd of exception on server side>"]}""";

        Assert.Equal("java.lang.RuntimeException: disk full", FlinkRestException.From(HttpStatusCode.InternalServerError, "GET /jobs", body).Summary);
        Assert.Equal("Bad Gateway from a proxy", FlinkRestException.From(HttpStatusCode.BadGateway, "GET /config", "Bad Gateway from a proxy").Summary);
    }
}

using System.Net;
using System.Text.Json.Nodes;
using Speck.FlinkStandIn.Http;

namespace Speck.Tests.FlinkStandIn;

/// <summary>
/// Flink's error answers (docs/flink-rest.md §Error bodies): status codes and <c>{"errors":[...]}</c> bodies.
/// </summary>
public sealed class ErrorBodyTests
{
    [Fact]
    public async Task Unknown_routes_and_wrong_methods_are_404_with_the_raw_uri()
    {
        await using var c = await StandInClient.StartAsync();
        var unknown = await c.GetAsync("/no/such/route?x=1");
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal("Not found: /no/such/route?x=1", Assert.Single(unknown.Body!["errors"]!.AsArray())!.GetValue<string>());

        var wrongMethod = await c.SendAsync(HttpMethod.Delete, "/overview");
        Assert.Equal(HttpStatusCode.NotFound, wrongMethod.Status);
        Assert.Equal("Not found: /overview", wrongMethod.FirstError);
    }

    [Fact]
    public async Task Unknown_and_unparsable_job_ids()
    {
        await using var c = await StandInClient.StartAsync();
        var id = FlinkIds.New();
        var unknown = await c.GetAsync($"/jobs/{id}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        var error = Assert.Single(unknown.Body!["errors"]!.AsArray())!.GetValue<string>();
        Assert.StartsWith($"org.apache.flink.runtime.rest.NotFoundException: Job {id} not found", error);
        Assert.Contains($"Caused by: org.apache.flink.runtime.messages.FlinkJobNotFoundException: Could not find Flink job ({id})", error);

        var bad = await c.GetAsync("/v1/jobs/not-hex");
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Contains("Cannot resolve path parameter (jobid) from value \"not-hex\".", bad.FirstError);
    }

    [Fact]
    public async Task Request_bodies_are_parsed_strictly()
    {
        await using var c = await StandInClient.StartAsync();
        var jarId = await c.UploadJarAsync();
        foreach (var body in new[]
                 {
                     "{\"unknownField\":1}", "{\"parallelism\":\"2\"}", "{\"jobId\":\"xyz\"}", "{\"parallelism\":1,\"parallelism\":2}",
                     "[1]", "{\"restoreMode\":\"SOMETIMES\"}",
                 })
        {
            var answer = await c.PostAsync($"/jars/{jarId}/run", body);
            Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
            Assert.StartsWith("org.apache.flink.runtime.rest.handler.RestHandlerException: Request did not match expected format JarRunRequestBody.", answer.FirstError);
        }
        var confusing = await c.PostAsync($"/jars/{jarId}/run", new JsonObject { ["programArgs"] = "a", ["programArgsList"] = new JsonArray("a") });
        Assert.Equal(HttpStatusCode.BadRequest, confusing.Status);
        Assert.Contains("Confusing request: programArgs and programArgsList are specified", confusing.FirstError);

        var stop = await c.PostAsync($"/jobs/{FlinkIds.New()}/stop", "{\"target-directory\":\"/tmp\"}");
        Assert.Contains("Request did not match expected format StopWithSavepointRequestBody.", stop.FirstError);
        Assert.Empty(c.StandIn.Jobs);
    }

    [Fact]
    public async Task Flink_2_refuses_the_removed_programArgs_field()
    {
        await using var c = await StandInClient.StartAsync(new Speck.FlinkStandIn.FlinkStandInOptions { FlinkVersion = "2.0.0" });
        var jarId = await c.UploadJarAsync();
        var answer = await c.PostAsync($"/jars/{jarId}/run", new JsonObject { ["programArgs"] = "a b" });
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Contains("JarRunRequestBody", answer.FirstError);
        Assert.Equal("2.0.0", (string)(await c.GetAsync("/config")).Body!["flink-version"]!);
    }

    [Fact]
    public async Task Flink_1_19_knows_no_claimMode_and_names_the_old_savepoint_dir_key()
    {
        await using var c = await StandInClient.StartAsync(new Speck.FlinkStandIn.FlinkStandInOptions { FlinkVersion = "1.19.1" });
        var jarId = await c.UploadJarAsync();
        var claim = await c.PostAsync($"/jars/{jarId}/run", new JsonObject { ["claimMode"] = "NO_CLAIM" });
        Assert.Equal(HttpStatusCode.BadRequest, claim.Status);
        Assert.Contains("JarRunRequestBody", claim.FirstError);
        var jobId = await c.RunAsync(jarId, new JsonObject { ["restoreMode"] = "NO_CLAIM" });
        var stop = await c.PostAsync($"/jobs/{jobId}/stop");
        Assert.Contains("Config key [state.savepoints.dir] is not set.", stop.FirstError);
    }

    [Fact]
    public async Task Errors_are_json_with_flinks_content_type()
    {
        await using var c = await StandInClient.StartAsync();
        using var response = await c.Http.GetAsync($"/jobs/{FlinkIds.New()}");
        Assert.Equal("application/json; charset=UTF-8", response.Content.Headers.ContentType!.ToString());
    }
}

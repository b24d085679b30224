using System.Net;
using System.Text.Json.Nodes;
using Speck.FlinkStandIn;
using Speck.FlinkStandIn.Jars;

namespace Speck.Tests.FlinkStandIn;

public sealed class JarRouteTests
{
    [Fact]
    public async Task Upload_list_and_delete_a_jar()
    {
        await using var c = await StandInClient.StartAsync();
        var upload = await c.UploadAsync(TestJar.Build(StandInClient.EntryClass), "wordcount.jar");
        Assert.Equal(HttpStatusCode.OK, upload.Status);
        Assert.Equal("success", (string)upload.Body!["status"]!);
        var filename = (string)upload.Body!["filename"]!;
        var jarId = Path.GetFileName(filename);
        Assert.Matches("^[0-9a-f-]{36}_wordcount\\.jar$", jarId);
        Assert.True(File.Exists(filename));

        var list = await c.GetAsync("/jars");
        Assert.Equal(c.StandIn.BaseUrl, (string)list.Body!["address"]!);
        var file = Assert.Single(list.Body!["files"]!.AsArray())!;
        Assert.Equal(jarId, (string)file["id"]!);
        Assert.Equal("wordcount.jar", (string)file["name"]!);
        Assert.Equal(StandInClient.EntryClass, (string)file["entry"]![0]!["name"]!);

        var delete = await c.SendAsync(HttpMethod.Delete, $"/jars/{jarId}");
        Assert.Equal(HttpStatusCode.OK, delete.Status);
        Assert.Equal("{}", delete.Body!.ToJsonString());
        Assert.Empty((await c.GetAsync("/jars")).Body!["files"]!.AsArray());
        Assert.False(File.Exists(filename));
    }

    [Fact]
    public async Task Deleting_an_unknown_jar_is_400_not_404()
    {
        await using var c = await StandInClient.StartAsync();
        var answer = await c.SendAsync(HttpMethod.Delete, "/jars/0000_missing.jar");
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.StartsWith("org.apache.flink.runtime.rest.handler.RestHandlerException: File 0000_missing.jar does not exist in ", answer.FirstError);
    }

    [Fact]
    public async Task Upload_refuses_non_jar_names_and_wrong_file_counts()
    {
        await using var c = await StandInClient.StartAsync();
        var notJar = await c.UploadAsync([1, 2, 3], "job.zip");
        Assert.Equal(HttpStatusCode.BadRequest, notJar.Status);
        Assert.Contains("Only Jar files are allowed.", notJar.FirstError);

        using var two = new MultipartFormDataContent
        {
            { new ByteArrayContent(TestJar.Build("a.A")), "jarfile", "a.jar" },
            { new ByteArrayContent(TestJar.Build("b.B")), "jarfile2", "b.jar" },
        };
        using var response = await c.Http.PostAsync("/jars/upload", two);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Exactly 1 file must be sent, received 2.", await response.Content.ReadAsStringAsync());

        var none = await c.PostAsync("/jars/upload");
        Assert.Equal(HttpStatusCode.BadRequest, none.Status);
        Assert.Contains("Exactly 1 file must be sent, received 0.", none.FirstError);
        Assert.Empty((await c.GetAsync("/jars")).Body!["files"]!.AsArray());
    }

    [Fact]
    public async Task The_file_part_name_is_not_checked()
    {
        await using var c = await StandInClient.StartAsync();
        var answer = await c.UploadAsync(TestJar.Build(StandInClient.EntryClass), "job.jar", field: "file_0");
        Assert.Equal(HttpStatusCode.OK, answer.Status);
    }

    [Fact]
    public async Task Running_a_missing_jar_or_entry_class_is_an_internal_error()
    {
        await using var c = await StandInClient.StartAsync();
        var missing = await c.PostAsync("/jars/00000000-0000-0000-0000-000000000000_x.jar/run", new JsonObject());
        Assert.Equal(HttpStatusCode.InternalServerError, missing.Status);
        Assert.Equal("Internal server error.", missing.FirstError);
        Assert.Contains("does not exist", (string)missing.Body!["errors"]![1]!);

        var jarId = await c.UploadJarAsync();
        var badClass = await c.PostAsync($"/jars/{jarId}/run", new JsonObject { ["entryClass"] = "org.example.Nope" });
        Assert.Equal(HttpStatusCode.InternalServerError, badClass.Status);
        Assert.Contains("ProgramInvocationException", (string)badClass.Body!["errors"]![1]!);
        Assert.Empty(c.StandIn.Jobs);
    }

    [Fact]
    public async Task Without_web_submit_the_jar_routes_do_not_exist()
    {
        await using var c = await StandInClient.StartAsync(new FlinkStandInOptions { WebSubmit = false });
        Assert.False((bool)(await c.GetAsync("/config")).Body!["features"]!["web-submit"]!);
        var answer = await c.GetAsync("/jars");
        Assert.Equal(HttpStatusCode.NotFound, answer.Status);
        Assert.Equal("Not found: /jars", answer.FirstError);
    }
}

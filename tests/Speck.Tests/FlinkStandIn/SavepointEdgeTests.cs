using System.Net;
using System.Text.Json.Nodes;
using Speck.FlinkStandIn.Http;

namespace Speck.Tests.FlinkStandIn;

/// <summary>Savepoint disposal and a stop whose savepoint exists although the job failed while stopping.</summary>
public sealed class SavepointEdgeTests
{
    private static async Task<(string JobId, string Location)> SavepointOfRunningJobAsync(StandInClient c, string dir)
    {
        var jobId = await c.RunAsync(await c.UploadJarAsync());
        await c.WaitForStateAsync(jobId, "RUNNING");
        var t = (string)(await c.PostAsync($"/jobs/{jobId}/savepoints", new JsonObject { ["target-directory"] = dir })).Body!["request-id"]!;
        return (jobId, (string)(await c.WaitForSavepointAsync(jobId, t))[^1]["operation"]!["location"]!);
    }

    private static async Task<JsonObject> WaitForDisposalAsync(StandInClient c, string triggerId)
    {
        for (var i = 0; i < 400; i++)
        {
            var status = (await c.GetAsync($"/savepoint-disposal/{triggerId}")).Object;
            if ((string?)status["status"]!["id"] == "COMPLETED") return status;
            await Task.Delay(25);
        }
        throw new Xunit.Sdk.XunitException("disposal never completed");
    }

    [Fact]
    public async Task Disposal_deletes_the_savepoint_and_reports_a_missing_one_as_a_failure()
    {
        await using var c = await StandInClient.StartAsync();
        var dir = c.TempDir();
        var (_, location) = await SavepointOfRunningJobAsync(c, dir);
        Assert.Single(Directory.GetDirectories(dir));

        var trigger = await c.PostAsync("/savepoint-disposal", new JsonObject { ["savepoint-path"] = location });
        Assert.Equal(HttpStatusCode.OK, trigger.Status);
        var done = await WaitForDisposalAsync(c, (string)trigger.Body!["request-id"]!);
        Assert.Equal("{}", done["operation"]!.ToJsonString());
        Assert.Empty(Directory.GetDirectories(dir));

        var again = await c.PostAsync("/savepoint-disposal", new JsonObject { ["savepoint-path"] = location });
        var failed = await WaitForDisposalAsync(c, (string)again.Body!["request-id"]!);
        Assert.Equal("java.io.FileNotFoundException", (string)failed["operation"]!["failure-cause"]!["class"]!);

        Assert.Equal(HttpStatusCode.NotFound, (await c.GetAsync($"/savepoint-disposal/{FlinkIds.New()}")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await c.PostAsync("/savepoint-disposal", new JsonObject())).Status);
    }

    [Fact]
    public async Task A_job_failing_while_stopping_reports_the_savepoint_it_did_write()
    {
        await using var c = await StandInClient.StartAsync();
        var dir = c.TempDir();
        var jobId = await c.RunAsync(await c.UploadJarAsync());
        await c.WaitForStateAsync(jobId, "RUNNING");
        c.StandIn.FailNextStopsAfterSavepoint(1, jobId);

        var t = (string)(await c.PostAsync($"/jobs/{jobId}/stop", new JsonObject { ["targetDirectory"] = dir })).Body!["request-id"]!;
        var operation = (await c.WaitForSavepointAsync(jobId, t))[^1]["operation"]!;
        Assert.Null(operation["location"]);
        var cause = operation["failure-cause"]!;
        Assert.Equal("org.apache.flink.runtime.scheduler.stopwithsavepoint.StopWithSavepointStoppingException", (string)cause["class"]!);
        var written = Assert.Single(c.StandIn.Job(jobId)!.Savepoints);
        Assert.Contains($"A savepoint has been created at: {written}", (string)cause["stack-trace"]!);
        Assert.True(Directory.Exists(written["file:".Length..]));
        await c.WaitForStateAsync(jobId, "FAILED");

        var restored = await c.RunAsync(await c.UploadJarAsync(), new JsonObject { ["savepointPath"] = written });
        Assert.Equal(written, c.StandIn.Job(restored)!.RestoredFrom);
    }
}

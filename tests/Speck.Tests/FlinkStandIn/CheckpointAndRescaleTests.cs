using System.Net;
using System.Text.Json.Nodes;
using Speck.FlinkStandIn;

namespace Speck.Tests.FlinkStandIn;

/// <summary>
/// Periodic checkpoints with their retention policy, and in-place rescaling through resource requirements, as
/// docs/flink-rest.md §Checkpoints a restart can resume from and §Changing parallelism in place describe.
/// </summary>
public sealed class CheckpointAndRescaleTests
{
    private static JsonObject Checkpointing(string retention) => new()
    {
        ["flinkConfiguration"] = new JsonObject
        {
            ["execution.checkpointing.interval"] = "20 ms", ["execution.checkpointing.externalized-checkpoint-retention"] = retention,
        },
    };

    private static async Task<JsonObject> LatestCompletedAsync(StandInClient c, string job)
    {
        for (var i = 0; i < 400; i++)
        {
            if ((await c.GetAsync($"/jobs/{job}/checkpoints")).Body!["latest"]!["completed"] is JsonObject done) return done;
            await Task.Delay(25);
        }
        throw new Xunit.Sdk.XunitException($"job {job} completed no checkpoint");
    }

    [Theory]
    [InlineData("RETAIN_ON_CANCELLATION", true, false, true)]
    [InlineData("DELETE_ON_CANCELLATION", true, true, false)]
    [InlineData("NO_EXTERNALIZED_CHECKPOINTS", false, true, false)]
    public async Task A_cancelled_job_keeps_its_latest_checkpoint_only_when_retained_on_cancellation(string retention, bool externalized, bool deleteOnCancel, bool kept)
    {
        await using var c = await StandInClient.StartAsync(new FlinkStandInOptions { CheckpointDir = Path.GetTempPath() + "speck-chk-" + Guid.NewGuid().ToString("N")[..8] });
        var jar = await c.UploadJarAsync();
        var job = await c.RunAsync(jar, Checkpointing(retention));
        await c.WaitForStateAsync(job, "RUNNING");
        var config = (await c.GetAsync($"/jobs/{job}/checkpoints/config")).Object;
        Assert.Equal(20, (long)config["interval"]!);
        Assert.Equal(externalized, (bool)config["externalization"]!["enabled"]!);
        Assert.Equal(deleteOnCancel, (bool)config["externalization"]!["delete_on_cancellation"]!);
        var latest = await LatestCompletedAsync(c, job);
        Assert.False((bool)latest["is_savepoint"]!);
        Assert.Equal("CHECKPOINT", (string)latest["checkpoint_type"]!);

        await c.SendAsync(HttpMethod.Patch, $"/jobs/{job}?mode=cancel");
        await c.WaitForStateAsync(job, "CANCELED");

        var path = (string)(await c.GetAsync($"/jobs/{job}/checkpoints")).Body!["latest"]!["completed"]!["external_path"]!;
        Assert.Contains($"/{job}/chk-", path);
        Assert.Equal(kept, Directory.Exists(path["file:".Length..]));
        Assert.Equal(kept ? 1 : 0, c.StandIn.Job(job)!.RetainedCheckpoints.Count);
        if (!kept) return;
        var resumed = await c.RunAsync(jar, new JsonObject { ["savepointPath"] = path });
        var restored = (await c.GetAsync($"/jobs/{resumed}/checkpoints")).Body!["latest"]!["restored"]!;
        Assert.False((bool)restored["is_savepoint"]!);
        Assert.Equal(c.StandIn.Job(job)!.StateCounter, c.StandIn.Job(resumed)!.RestoredState);
    }

    [Fact]
    public async Task Without_an_interval_the_job_has_a_coordinator_for_savepoints_but_takes_no_checkpoints()
    {
        await using var c = await StandInClient.StartAsync();
        var job = await c.RunAsync(await c.UploadJarAsync());
        await c.WaitForStateAsync(job, "RUNNING");
        var config = (await c.GetAsync($"/jobs/{job}/checkpoints/config")).Object;
        Assert.Equal(long.MaxValue, (long)config["interval"]!);
        await Task.Delay(100);
        Assert.Null((await c.GetAsync($"/jobs/{job}/checkpoints")).Body!["latest"]!["completed"]);
    }

    [Fact]
    public async Task The_default_scheduler_answers_500_to_resource_requirements_and_says_which_scheduler_can()
    {
        await using var c = await StandInClient.StartAsync();
        var job = await c.RunAsync(await c.UploadJarAsync());
        var get = await c.GetAsync($"/jobs/{job}/resource-requirements");
        Assert.Equal(HttpStatusCode.InternalServerError, get.Status);
        Assert.Equal("Internal server error.", get.FirstError);
        Assert.Contains("The DefaultScheduler does not support changing the parallelism without a job restart", (string)get.Body!["errors"]![1]!);
        var put = await c.SendAsync(HttpMethod.Put, $"/jobs/{job}/resource-requirements",
            new JsonObject { ["0123456789abcdef0123456789abcdef"] = new JsonObject { ["parallelism"] = new JsonObject { ["lowerBound"] = 1, ["upperBound"] = 2 } } });
        Assert.Equal(HttpStatusCode.InternalServerError, put.Status);
        var config = (await c.GetAsync("/jobmanager/config")).Body!.AsArray();
        Assert.DoesNotContain(config, e => (string?)e!["key"] == "jobmanager.scheduler");
    }

    [Fact]
    public async Task The_adaptive_scheduler_rescales_a_running_job_in_place()
    {
        await using var c = await StandInClient.StartAsync(new FlinkStandInOptions { Scheduler = "adaptive", TaskSlots = 4 });
        Assert.Contains((await c.GetAsync("/jobmanager/config")).Body!.AsArray(),
            e => (string?)e!["key"] == "jobmanager.scheduler" && (string?)e["value"] == "adaptive");
        var job = await c.RunAsync(await c.UploadJarAsync(), new JsonObject { ["parallelism"] = 1 });
        await c.WaitForStateAsync(job, "RUNNING");
        var requirements = (await c.GetAsync($"/jobs/{job}/resource-requirements")).Object;
        Assert.Equal(2, requirements.Count);
        Assert.All(requirements, v => Assert.Equal(1, (int)v.Value!["parallelism"]!["upperBound"]!));
        foreach (var (_, v) in requirements) v!["parallelism"]!["upperBound"] = 3;

        var put = await c.SendAsync(HttpMethod.Put, $"/jobs/{job}/resource-requirements", requirements.DeepClone());

        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal("RESTARTING", await c.StateAsync(job));
        var details = await c.WaitForStateAsync(job, "RUNNING");
        Assert.All(details["vertices"]!.AsArray(), v => Assert.Equal(3, (int)v!["parallelism"]!));
        Assert.Equal(3, c.StandIn.Job(job)!.Parallelism);
        var empty = await c.SendAsync(HttpMethod.Put, $"/jobs/{job}/resource-requirements", new JsonObject());
        Assert.Equal(HttpStatusCode.BadRequest, empty.Status);
        Assert.Contains("Request body does not specify resource requirements.", empty.FirstError);
    }
}

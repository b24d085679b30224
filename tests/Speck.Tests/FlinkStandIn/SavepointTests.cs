using System.Net;
using System.Text.Json.Nodes;
using Speck.FlinkStandIn;
using Speck.FlinkStandIn.Http;
using Speck.FlinkStandIn.Jobs;
using Speck.FlinkStandIn.Savepoints;

namespace Speck.Tests.FlinkStandIn;

public sealed class SavepointTests
{
    private static string LocalPath(string location) => location.StartsWith("file:", StringComparison.Ordinal) ? location[5..] : location;

    [Fact]
    public async Task Stop_with_savepoint_finishes_the_job_and_writes_the_savepoint()
    {
        await using var c = await StandInClient.StartAsync();
        var dir = c.TempDir();
        var jobId = await c.RunAsync(await c.UploadJarAsync());
        await c.WaitForStateAsync(jobId, "RUNNING");

        var stop = await c.PostAsync($"/jobs/{jobId}/stop", new JsonObject { ["targetDirectory"] = dir, ["drain"] = false });
        Assert.Equal(HttpStatusCode.Accepted, stop.Status);
        var trigger = (string)stop.Body!["request-id"]!;
        Assert.Matches("^[0-9a-f]{32}$", trigger);

        var polls = await c.WaitForSavepointAsync(jobId, trigger);
        Assert.All(polls[..^1], p => { Assert.Equal("IN_PROGRESS", (string)p["status"]!["id"]!); Assert.Null(p["operation"]); });
        var location = (string)polls[^1]["operation"]!["location"]!;
        Assert.Matches($"^file:{System.Text.RegularExpressions.Regex.Escape(dir)}/savepoint-{jobId[..6]}-[0-9a-f]{{12}}$", location);
        Assert.Null(polls[^1]["operation"]!["failure-cause"]);

        var (_, metadata) = SavepointFiles.Read(location);
        Assert.Equal(jobId, metadata.JobId);
        Assert.Equal(StandInClient.EntryClass, metadata.EntryClass);
        Assert.Equal(1, metadata.State);
        Assert.True(File.Exists(Path.Combine(LocalPath(location), "_metadata")));

        await c.WaitForStateAsync(jobId, "FINISHED");
        Assert.Equal([location], c.StandIn.Job(jobId)!.Savepoints);
        Assert.Equal(1, (int)(await c.GetAsync("/overview")).Body!["jobs-finished"]!);
    }

    [Fact]
    public async Task A_run_from_a_savepoint_records_where_its_state_came_from()
    {
        await using var c = await StandInClient.StartAsync();
        var dir = c.TempDir();
        var jarId = await c.UploadJarAsync();
        var first = await c.RunAsync(jarId);
        await c.WaitForStateAsync(first, "RUNNING");
        var t1 = (string)(await c.PostAsync($"/jobs/{first}/stop", new JsonObject { ["targetDirectory"] = dir })).Body!["request-id"]!;
        var sp1 = (string)(await c.WaitForSavepointAsync(first, t1))[^1]["operation"]!["location"]!;

        var second = await c.RunAsync(jarId, new JsonObject { ["savepointPath"] = sp1, ["claimMode"] = "NO_CLAIM" });
        await c.WaitForStateAsync(second, "RUNNING");
        var restored = c.StandIn.Job(second)!;
        Assert.Equal(sp1, restored.RestoredFrom);
        Assert.Equal(1, restored.RestoredState);
        Assert.Equal("NO_CLAIM", restored.ClaimMode);

        // A plain savepoint keeps the job running and carries the restored state forward.
        var t2 = (string)(await c.PostAsync($"/jobs/{second}/savepoints", new JsonObject { ["target-directory"] = "file://" + dir })).Body!["request-id"]!;
        var sp2 = (string)(await c.WaitForSavepointAsync(second, t2))[^1]["operation"]!["location"]!;
        Assert.Equal(2, SavepointFiles.Read(sp2).Metadata.State);
        Assert.Equal("RUNNING", await c.StateAsync(second));

        var third = await c.RunAsync(jarId, new JsonObject { ["savepointPath"] = LocalPath(sp2) + "/_metadata" });
        Assert.Equal(2, c.StandIn.Job(third)!.RestoredState);
    }

    [Fact]
    public async Task A_missing_savepoint_fails_the_run_and_leaves_a_FAILED_job_whose_id_is_burned()
    {
        await using var c = await StandInClient.StartAsync();
        var jarId = await c.UploadJarAsync();
        var jobId = FlinkIds.New();
        var missing = Path.Combine(c.TempDir(), "savepoint-000000-nothere");
        var answer = await c.PostAsync($"/jars/{jarId}/run", new JsonObject { ["jobId"] = jobId, ["savepointPath"] = missing });
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.StartsWith("org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute application.", answer.FirstError);
        Assert.Contains("JobInitializationException: Could not start the JobMaster.", answer.FirstError);
        Assert.Contains("Cannot find checkpoint or savepoint", answer.FirstError);

        Assert.Equal("FAILED", await c.StateAsync(jobId));
        var exceptions = (await c.GetAsync($"/jobs/{jobId}/exceptions")).Object;
        Assert.Equal("org.apache.flink.runtime.client.JobInitializationException", (string)exceptions["exceptionHistory"]!["entries"]![0]!["exceptionName"]!);
        var again = await c.PostAsync($"/jars/{jarId}/run", new JsonObject { ["jobId"] = jobId });
        Assert.Contains("DuplicateJobSubmissionException", again.FirstError);
    }

    [Fact]
    public async Task State_of_another_program_needs_allowNonRestoredState()
    {
        await using var c = await StandInClient.StartAsync();
        var dir = c.TempDir();
        var jobA = await c.RunAsync(await c.UploadJarAsync());
        await c.WaitForStateAsync(jobA, "RUNNING");
        var t = (string)(await c.PostAsync($"/jobs/{jobA}/savepoints", new JsonObject { ["target-directory"] = dir, ["cancel-job"] = true })).Body!["request-id"]!;
        var sp = (string)(await c.WaitForSavepointAsync(jobA, t))[^1]["operation"]!["location"]!;
        await c.WaitForStateAsync(jobA, "CANCELED");

        var otherJar = await c.UploadJarAsync("org.example.Other", "other.jar");
        var refused = await c.PostAsync($"/jars/{otherJar}/run", new JsonObject { ["savepointPath"] = sp });
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("--allowNonRestoredState", refused.FirstError);

        var allowed = await c.RunAsync(otherJar, new JsonObject { ["savepointPath"] = sp, ["allowNonRestoredState"] = true });
        Assert.Equal(sp, c.StandIn.Job(allowed)!.RestoredFrom);
    }

    [Fact]
    public async Task A_failing_savepoint_completes_with_a_failure_cause_and_the_job_keeps_running()
    {
        await using var c = await StandInClient.StartAsync();
        var dir = c.TempDir();
        var jobId = await c.RunAsync(await c.UploadJarAsync());
        await c.WaitForStateAsync(jobId, "RUNNING");
        c.StandIn.FailNextSavepoints(1, jobId);

        var trigger = (string)(await c.PostAsync($"/jobs/{jobId}/stop", new JsonObject { ["targetDirectory"] = dir })).Body!["request-id"]!;
        var done = (await c.WaitForSavepointAsync(jobId, trigger))[^1];
        Assert.Equal("COMPLETED", (string)done["status"]!["id"]!);
        var cause = done["operation"]!["failure-cause"]!;
        Assert.Equal("org.apache.flink.runtime.checkpoint.CheckpointException", (string)cause["class"]!);
        Assert.NotEmpty((string)cause["stack-trace"]!);
        Assert.NotEmpty((string)cause["serialized-throwable"]!);
        Assert.Null(done["operation"]!["location"]);
        Assert.Equal("RUNNING", await c.StateAsync(jobId));
        Assert.Empty(Directory.GetDirectories(dir));

        // The failure was armed once: the retry succeeds.
        var retry = (string)(await c.PostAsync($"/jobs/{jobId}/stop", new JsonObject { ["targetDirectory"] = dir })).Body!["request-id"]!;
        Assert.NotNull((await c.WaitForSavepointAsync(jobId, retry))[^1]["operation"]!["location"]);
        await c.WaitForStateAsync(jobId, "FINISHED");
    }

    [Fact]
    public async Task Without_a_target_directory_or_cluster_default_the_trigger_is_refused_synchronously()
    {
        await using var c = await StandInClient.StartAsync();
        var jobId = await c.RunAsync(await c.UploadJarAsync());
        await c.WaitForStateAsync(jobId, "RUNNING");
        var stop = await c.PostAsync($"/jobs/{jobId}/stop", new JsonObject { ["drain"] = true });
        Assert.Equal(HttpStatusCode.BadRequest, stop.Status);
        Assert.Contains("Config key [execution.checkpointing.savepoint-dir] is not set. Property [targetDirectory] must be provided.", stop.FirstError);
        var savepoint = await c.PostAsync($"/jobs/{jobId}/savepoints");
        Assert.Contains("Property [target-directory] must be provided.", savepoint.FirstError);
        Assert.Equal("RUNNING", await c.StateAsync(jobId));
    }

    [Fact]
    public async Task The_cluster_default_directory_is_used_when_the_request_names_none()
    {
        var dir = Path.Combine(Path.GetTempPath(), "speck-flink-default-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using var c = await StandInClient.StartAsync(new FlinkStandInOptions { SavepointDir = dir });
            var jobId = await c.RunAsync(await c.UploadJarAsync());
            await c.WaitForStateAsync(jobId, "RUNNING");
            var trigger = (string)(await c.PostAsync($"/jobs/{jobId}/stop")).Body!["request-id"]!;
            var location = (string)(await c.WaitForSavepointAsync(jobId, trigger))[^1]["operation"]!["location"]!;
            Assert.StartsWith("file:" + dir + "/savepoint-", location);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Triggers_are_idempotent_per_trigger_id_and_unknown_jobs_fail_when_polled()
    {
        await using var c = await StandInClient.StartAsync();
        var dir = c.TempDir();
        var jobId = await c.RunAsync(await c.UploadJarAsync());
        await c.WaitForStateAsync(jobId, "RUNNING");
        var triggerId = FlinkIds.New();
        var body = new JsonObject { ["target-directory"] = dir, ["triggerId"] = triggerId };
        Assert.Equal(triggerId, (string)(await c.PostAsync($"/jobs/{jobId}/savepoints", body.DeepClone())).Body!["request-id"]!);
        Assert.Equal(triggerId, (string)(await c.PostAsync($"/jobs/{jobId}/savepoints", body.DeepClone())).Body!["request-id"]!);
        await c.WaitForSavepointAsync(jobId, triggerId);
        Assert.Single(Directory.GetDirectories(dir));
        Assert.Single(c.StandIn.Job(jobId)!.Savepoints);

        var unknownJob = FlinkIds.New();
        var trigger = await c.PostAsync($"/jobs/{unknownJob}/savepoints", new JsonObject { ["target-directory"] = dir });
        Assert.Equal(HttpStatusCode.Accepted, trigger.Status);
        var done = (await c.WaitForSavepointAsync(unknownJob, (string)trigger.Body!["request-id"]!))[^1];
        Assert.Equal("org.apache.flink.runtime.messages.FlinkJobNotFoundException", (string)done["operation"]!["failure-cause"]!["class"]!);

        var unknownTrigger = await c.GetAsync($"/jobs/{jobId}/savepoints/{FlinkIds.New()}");
        Assert.Equal(HttpStatusCode.NotFound, unknownTrigger.Status);
        Assert.Contains("There is no savepoint operation with triggerId=", unknownTrigger.FirstError);
    }

    [Fact]
    public async Task Cancel_job_savepoint_ends_CANCELED()
    {
        await using var c = await StandInClient.StartAsync();
        var jobId = await c.RunAsync(await c.UploadJarAsync());
        await c.WaitForStateAsync(jobId, "RUNNING");
        var t = (string)(await c.PostAsync($"/jobs/{jobId}/savepoints", new JsonObject { ["target-directory"] = c.TempDir(), ["cancel-job"] = true })).Body!["request-id"]!;
        await c.WaitForSavepointAsync(jobId, t);
        await c.WaitForStateAsync(jobId, "CANCELED");
        Assert.Equal(JobStatus.CANCELED, c.StandIn.Job(jobId)!.State);
    }

    [Fact]
    public async Task The_request_flinkConfiguration_supplies_savepoint_path_parallelism_and_job_id_when_the_body_does_not()
    {
        await using var c = await StandInClient.StartAsync();
        var dir = c.TempDir();
        var jarId = await c.UploadJarAsync();
        var first = await c.RunAsync(jarId);
        await c.WaitForStateAsync(first, "RUNNING");
        var t = (string)(await c.PostAsync($"/jobs/{first}/stop", new JsonObject { ["targetDirectory"] = dir })).Body!["request-id"]!;
        var sp = (string)(await c.WaitForSavepointAsync(first, t))[^1]["operation"]!["location"]!;

        var jobId = FlinkIds.New();
        var second = await c.RunAsync(jarId, new JsonObject
        {
            ["flinkConfiguration"] = new JsonObject
            {
                ["execution.savepoint.path"] = sp, ["parallelism.default"] = "2", ["$internal.pipeline.job-id"] = jobId,
                ["execution.state-recovery.claim-mode"] = "CLAIM",
            },
        });
        Assert.Equal(jobId, second);
        var job = c.StandIn.Job(second)!;
        Assert.Equal(sp, job.RestoredFrom);
        Assert.Equal(2, job.Parallelism);
        Assert.Equal("CLAIM", job.ClaimMode);

        var bodyWins = await c.RunAsync(jarId, new JsonObject { ["parallelism"] = 1, ["flinkConfiguration"] = new JsonObject { ["parallelism.default"] = "3" } });
        Assert.Equal(1, c.StandIn.Job(bodyWins)!.Parallelism);

        var bad = await c.PostAsync($"/jars/{jarId}/run", new JsonObject { ["flinkConfiguration"] = new JsonObject { ["parallelism.default"] = "many" } });
        Assert.Equal(HttpStatusCode.InternalServerError, bad.Status);
        Assert.Contains("Could not parse value 'many' for key 'parallelism.default'.", (string)bad.Body!["errors"]![1]!);
        Assert.Equal(3, c.StandIn.Jobs.Count);
    }
}

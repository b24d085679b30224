using System.Net;
using System.Text.Json.Nodes;
using Speck.FlinkStandIn;
using Speck.FlinkStandIn.Http;
using Speck.FlinkStandIn.Jobs;

namespace Speck.Tests.FlinkStandIn;

public sealed class JobLifecycleTests
{
    [Fact]
    public async Task A_run_job_reaches_RUNNING_and_records_what_was_submitted()
    {
        await using var c = await StandInClient.StartAsync();
        var jarId = await c.UploadJarAsync();
        var jobId = await c.RunAsync(jarId, new JsonObject
        {
            ["programArgsList"] = new JsonArray("--topic", "in"), ["parallelism"] = 2,
        });
        Assert.Matches("^[0-9a-f]{32}$", jobId);

        var details = await c.WaitForStateAsync(jobId, "RUNNING");
        Assert.Equal(-1L, (long)details["end-time"]!);
        Assert.True((long)details["timestamps"]!["RUNNING"]! >= (long)details["start-time"]!);
        Assert.Equal(0L, (long)details["timestamps"]!["CANCELED"]!);
        Assert.All(details["vertices"]!.AsArray(), v => Assert.Equal("RUNNING", (string)v!["status"]!));

        var job = c.StandIn.Job(jobId)!;
        Assert.Equal(jarId, job.JarId);
        Assert.Equal(StandInClient.EntryClass, job.EntryClass);
        Assert.Equal(["--topic", "in"], job.ProgramArgs);
        Assert.Equal(2, job.Parallelism);
        Assert.Null(job.RestoredFrom);

        var list = (await c.GetAsync("/jobs")).Body!["jobs"]!.AsArray();
        Assert.Contains(list, j => (string)j!["id"]! == jobId && (string)j["status"]! == "RUNNING");
        var overview = (await c.GetAsync("/jobs/overview")).Body!["jobs"]![0]!;
        Assert.Equal(4, (int)overview["tasks"]!["running"]!);
        Assert.Equal("RUNNING", (string)(await c.GetAsync($"/v1/jobs/{jobId}/status")).Body!["status"]!);
    }

    [Fact]
    public async Task Query_parameters_are_used_when_the_body_is_silent_and_the_body_wins()
    {
        await using var c = await StandInClient.StartAsync();
        var jarId = await c.UploadJarAsync();
        var query = await c.PostAsync($"/jars/{jarId}/run?programArg=a,b&parallelism=3&entry-class={StandInClient.EntryClass}");
        Assert.Equal(HttpStatusCode.OK, query.Status);
        var fromQuery = (string)query.Body!["jobid"]!;
        Assert.Equal(["a", "b"], c.StandIn.Job(fromQuery)!.ProgramArgs);
        Assert.Equal(3, c.StandIn.Job(fromQuery)!.Parallelism);

        var answer = await c.PostAsync($"/jars/{jarId}/run?parallelism=3", new JsonObject { ["parallelism"] = 1, ["programArgs"] = "x 'y z'" });
        var bodyWins = (string)answer.Body!["jobid"]!;
        Assert.Equal(1, c.StandIn.Job(bodyWins)!.Parallelism);
        Assert.Equal(["x", "y z"], c.StandIn.Job(bodyWins)!.ProgramArgs);
    }

    [Fact]
    public async Task A_fixed_job_id_can_never_be_submitted_twice()
    {
        await using var c = await StandInClient.StartAsync();
        var jarId = await c.UploadJarAsync();
        var jobId = FlinkIds.New();
        Assert.Equal(jobId, await c.RunAsync(jarId, new JsonObject { ["jobId"] = jobId }));

        var again = await c.PostAsync($"/jars/{jarId}/run", new JsonObject { ["jobId"] = jobId });
        Assert.Equal(HttpStatusCode.BadRequest, again.Status);
        Assert.StartsWith("org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute application.", again.FirstError);
        Assert.Contains("DuplicateJobSubmissionException: Job has already been submitted.", again.FirstError);

        // Terminal jobs stay in the non-HA JobResultStore: the id stays burned.
        Assert.Equal(HttpStatusCode.Accepted, (await c.SendAsync(HttpMethod.Patch, $"/jobs/{jobId}")).Status);
        await c.WaitForStateAsync(jobId, "CANCELED");
        var afterCancel = await c.PostAsync($"/jars/{jarId}/run", new JsonObject { ["jobId"] = jobId.ToUpperInvariant() });
        Assert.Equal(HttpStatusCode.BadRequest, afterCancel.Status);
        Assert.Contains("DuplicateJobSubmissionException", afterCancel.FirstError);
        Assert.Single(c.StandIn.Jobs);
    }

    [Fact]
    public async Task Cancel_moves_through_CANCELLING_to_CANCELED_and_is_idempotent()
    {
        await using var c = await StandInClient.StartAsync(new FlinkStandInOptions { CancellingTime = TimeSpan.FromMilliseconds(300) });
        var jobId = await c.RunAsync(await c.UploadJarAsync());
        await c.WaitForStateAsync(jobId, "RUNNING");

        var cancel = await c.SendAsync(HttpMethod.Patch, $"/jobs/{jobId}?mode=cancel");
        Assert.Equal(HttpStatusCode.Accepted, cancel.Status);
        Assert.Equal("{}", cancel.Body!.ToJsonString());
        var states = new List<string>();
        for (var i = 0; i < 400 && !states.Contains("CANCELED"); i++)
        {
            states.Add(await c.StateAsync(jobId));
            await Task.Delay(10);
        }
        Assert.Equal("CANCELED", states[^1]);
        Assert.All(states[..^1], s => Assert.Equal("CANCELLING", s));

        var details = (await c.GetAsync($"/jobs/{jobId}")).Object;
        Assert.True((long)details["end-time"]! >= (long)details["start-time"]!);
        Assert.Equal((long)details["end-time"]! - (long)details["start-time"]!, (long)details["duration"]!);
        Assert.Equal(HttpStatusCode.Accepted, (await c.SendAsync(HttpMethod.Patch, $"/jobs/{jobId}")).Status);
        Assert.Equal(1, (int)(await c.GetAsync("/overview")).Body!["jobs-cancelled"]!);
        var result = (await c.GetAsync($"/jobs/{jobId}/execution-result")).Body!;
        Assert.Equal("COMPLETED", (string)result["status"]!["id"]!);
        Assert.Equal("CANCELED", (string)result["job-execution-result"]!["application-status"]!);
    }

    [Fact]
    public async Task Cancel_refuses_finished_jobs_unknown_jobs_and_the_removed_stop_mode()
    {
        await using var c = await StandInClient.StartAsync();
        var dir = c.TempDir();
        var jobId = await c.RunAsync(await c.UploadJarAsync());
        await c.WaitForStateAsync(jobId, "RUNNING");

        var stopMode = await c.SendAsync(HttpMethod.Patch, $"/jobs/{jobId}?mode=stop");
        Assert.Equal((HttpStatusCode)308, stopMode.Status);
        Assert.Equal("RUNNING", await c.StateAsync(jobId));

        var trigger = (string)(await c.PostAsync($"/jobs/{jobId}/stop", new JsonObject { ["targetDirectory"] = dir })).Body!["request-id"]!;
        await c.WaitForSavepointAsync(jobId, trigger);
        var finished = await c.SendAsync(HttpMethod.Patch, $"/jobs/{jobId}");
        Assert.Equal(HttpStatusCode.Conflict, finished.Status);
        Assert.Contains("already reached another terminal state (FINISHED).", finished.FirstError);

        var unknown = await c.SendAsync(HttpMethod.Patch, $"/jobs/{FlinkIds.New()}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Contains("Job could not be found.", unknown.FirstError);
    }

    [Fact]
    public async Task A_job_matching_a_failure_rule_fails_after_its_delay_and_reports_the_exception()
    {
        await using var c = await StandInClient.StartAsync();
        c.StandIn.FailJobs(new Speck.FlinkStandIn.Control.JobFailureRule(null, "--explode", TimeSpan.FromMilliseconds(300), "boom from the job"));
        var jarId = await c.UploadJarAsync();
        var healthy = await c.RunAsync(jarId);
        var doomed = await c.RunAsync(jarId, new JsonObject { ["programArgsList"] = new JsonArray("--explode") });

        await c.WaitForStateAsync(doomed, "FAILED");
        Assert.Equal("RUNNING", await c.StateAsync(healthy));
        var exceptions = (await c.GetAsync($"/jobs/{doomed}/exceptions")).Object;
        Assert.Contains("boom from the job", (string)exceptions["root-exception"]!);
        var entry = exceptions["exceptionHistory"]!["entries"]![0]!;
        Assert.Equal("java.lang.RuntimeException", (string)entry["exceptionName"]!);
        Assert.Equal(1, (int)(await c.GetAsync("/overview")).Body!["jobs-failed"]!);
        Assert.Equal(JobStatus.FAILED, c.StandIn.Job(doomed)!.State);
        var result = (await c.GetAsync($"/jobs/{doomed}/execution-result")).Body!["job-execution-result"]!;
        Assert.Equal("FAILED", (string)result["application-status"]!);
        Assert.Equal("java.lang.RuntimeException", (string)result["failure-cause"]!["class"]!);
        Assert.Null((await c.GetAsync($"/jobs/{healthy}/execution-result")).Body!["job-execution-result"]);
    }

    [Fact]
    public async Task Jobs_wait_for_free_slots_and_fail_after_the_slot_request_timeout()
    {
        await using var c = await StandInClient.StartAsync(new FlinkStandInOptions { TaskSlots = 2, SlotRequestTimeout = TimeSpan.FromSeconds(2) });
        var jarId = await c.UploadJarAsync();
        var big = await c.RunAsync(jarId, new JsonObject { ["parallelism"] = 2 });
        await c.WaitForStateAsync(big, "RUNNING");
        Assert.Equal(0, (int)(await c.GetAsync("/overview")).Body!["slots-available"]!);

        // The default scheduler puts the job in RUNNING while its tasks wait SCHEDULED for slots.
        var waiting = await c.RunAsync(jarId);
        var details = await c.WaitForStateAsync(waiting, "RUNNING");
        Assert.All(details["vertices"]!.AsArray(), v => Assert.Equal("SCHEDULED", (string)v!["status"]!));

        await c.SendAsync(HttpMethod.Patch, $"/jobs/{big}");
        await c.WaitForStateAsync(big, "CANCELED");
        JsonObject? deployed = null;
        for (var i = 0; i < 400 && deployed is null; i++)
        {
            var d = (await c.GetAsync($"/jobs/{waiting}")).Object;
            if ((string?)d["vertices"]![0]!["status"] == "RUNNING") deployed = d;
            else await Task.Delay(10);
        }
        Assert.NotNull(deployed);
        Assert.Equal(1, (int)(await c.GetAsync("/overview")).Body!["slots-available"]!);

        var tooBig = await c.RunAsync(jarId, new JsonObject { ["parallelism"] = 5 });
        await c.WaitForStateAsync(tooBig, "FAILED");
        var exceptions = (await c.GetAsync($"/jobs/{tooBig}/exceptions")).Object;
        Assert.Contains("NoResourceAvailableException", (string)exceptions["root-exception"]!);
    }
}

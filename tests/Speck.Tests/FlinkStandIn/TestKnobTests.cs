using System.Net;
using Speck.FlinkStandIn.Control;

namespace Speck.Tests.FlinkStandIn;

/// <summary>The C# control API: injected request faults, the request log and the slot count.</summary>
public sealed class TestKnobTests
{
    [Fact]
    public async Task Armed_faults_fail_exactly_the_next_matching_requests()
    {
        await using var c = await StandInClient.StartAsync();
        c.StandIn.Faults.FailNext("GET", "/jobs/*", 2);

        Assert.Equal(HttpStatusCode.OK, (await c.GetAsync("/jobs")).Status); // "/jobs" has one segment fewer
        var failed = await c.GetAsync("/jobs/overview");
        Assert.Equal(HttpStatusCode.InternalServerError, failed.Status);
        Assert.Equal("Internal server error.", failed.FirstError);
        Assert.Equal(HttpStatusCode.InternalServerError, (await c.GetAsync("/v1/jobs/overview")).Status);
        Assert.Equal(HttpStatusCode.OK, (await c.GetAsync("/jobs/overview")).Status);
    }

    [Fact]
    public async Task A_dropped_connection_gives_the_client_no_answer()
    {
        await using var c = await StandInClient.StartAsync();
        c.StandIn.Faults.FailNext(null, "/overview", 1, FaultKind.DropConnection);
        await Assert.ThrowsAsync<HttpRequestException>(() => c.GetAsync("/overview"));
        Assert.Equal(HttpStatusCode.OK, (await c.GetAsync("/overview")).Status);
        Assert.Equal([0, 200], c.StandIn.Requests.Matching("GET", "/overview").Select(e => e.Status));
    }

    [Fact]
    public async Task The_request_log_records_method_path_query_and_status()
    {
        await using var c = await StandInClient.StartAsync();
        var jarId = await c.UploadJarAsync();
        await c.GetAsync("/jobs/overview?x=1");
        await c.SendAsync(HttpMethod.Delete, $"/jars/{jarId}");
        await c.SendAsync(HttpMethod.Delete, $"/jars/{jarId}");

        var log = c.StandIn.Requests.Entries;
        Assert.Equal(["POST /jars/upload 200", "GET /jobs/overview?x=1 200", $"DELETE /jars/{jarId} 200", $"DELETE /jars/{jarId} 400"],
            log.Select(e => $"{e.Method} {e.Path}{e.Query} {e.Status}"));
        Assert.Equal(2, c.StandIn.Requests.Matching("DELETE", "/jars/*").Count);
        Assert.All(log, e => Assert.Null(e.Body));

        await c.PostAsync($"/jobs/{Speck.FlinkStandIn.Http.FlinkIds.New()}/stop", new System.Text.Json.Nodes.JsonObject { ["drain"] = true, ["targetDirectory"] = "/tmp/x" });
        Assert.Equal("{\"drain\":true,\"targetDirectory\":\"/tmp/x\"}", c.StandIn.Requests.Matching("POST", "/jobs/*/stop").Single().Body);
        Assert.True(log.Zip(log.Skip(1)).All(p => p.First.Time <= p.Second.Time));
    }

    [Fact]
    public async Task Task_slots_can_be_changed_while_running()
    {
        await using var c = await StandInClient.StartAsync();
        Assert.Equal(4, (int)(await c.GetAsync("/overview")).Body!["slots-total"]!);
        c.StandIn.TaskSlots = 1;
        var overview = (await c.GetAsync("/overview")).Body!;
        Assert.Equal(1, (int)overview["slots-total"]!);
        Assert.Equal(1, (int)overview["slots-available"]!);
        Assert.Null(overview["taskmanagers-blocked"]);
    }
}

/// <summary>
/// The scenarios behind "no duplicate jobs" (docs/flink-rest.md §Duplicate job ids): lost answers and concurrent
/// retries.
/// </summary>
public sealed class DuplicateSubmissionTests
{
    [Fact]
    public async Task A_run_whose_answer_is_lost_still_created_the_job_and_a_retry_with_the_same_id_is_refused()
    {
        await using var c = await StandInClient.StartAsync();
        var jarId = await c.UploadJarAsync();
        var jobId = Speck.FlinkStandIn.Http.FlinkIds.New();
        c.StandIn.Faults.FailNext("POST", "/jars/*/run", 1, FaultKind.DropResponse);

        var body = new System.Text.Json.Nodes.JsonObject { ["jobId"] = jobId };
        await Assert.ThrowsAsync<HttpRequestException>(() => c.PostAsync($"/jars/{jarId}/run", body.DeepClone()));
        Assert.NotNull(c.StandIn.Job(jobId));

        var retry = await c.PostAsync($"/jars/{jarId}/run", body.DeepClone());
        Assert.Equal(HttpStatusCode.BadRequest, retry.Status);
        Assert.Contains("DuplicateJobSubmissionException", retry.FirstError);
        Assert.Single(c.StandIn.Jobs);
        Assert.Equal([0, 400], c.StandIn.Requests.Matching("POST", "/jars/*/run").Select(e => e.Status));
    }

    [Fact]
    public async Task Concurrent_runs_with_one_job_id_create_exactly_one_job()
    {
        await using var c = await StandInClient.StartAsync();
        var jarId = await c.UploadJarAsync();
        var jobId = Speck.FlinkStandIn.Http.FlinkIds.New();
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            c.PostAsync($"/jars/{jarId}/run", new System.Text.Json.Nodes.JsonObject { ["jobId"] = jobId })));
        Assert.Single(answers, a => a.Status == HttpStatusCode.OK);
        Assert.Equal(3, answers.Count(a => a.Status == HttpStatusCode.BadRequest && a.FirstError.Contains("DuplicateJobSubmissionException")));
        Assert.Single(c.StandIn.Jobs);
    }
}

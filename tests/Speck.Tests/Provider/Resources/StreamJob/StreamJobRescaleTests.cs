using Speck.FlinkStandIn;
using Speck.FlinkStandIn.Control;
using Speck.FlinkStandIn.Jobs;
using Speck.Host.Values;
using static Speck.Tests.Provider.Resources.ResourceDriver;

namespace Speck.Tests.Provider.Resources.StreamJob;

/// <summary>
/// In-place rescaling as the operator does it (docs/flink-rest.md §Changing parallelism in place): only a parallelism
/// change, only on the adaptive scheduler, and any failure of it falls back to a restart through a savepoint.
/// </summary>
public sealed class StreamJobRescaleTests
{
    private static (string, PropertyValue) Parallelism(int n) => ("parallelism", PropertyValue.Of(n));

    [Fact]
    public async Task A_rescale_the_engine_refuses_falls_back_to_a_restart_through_a_savepoint()
    {
        await using var w = await FlinkSites.StartAsync(options: new FlinkStandInOptions { Scheduler = "adaptive" });
        var v1 = await w.CreateAsync("fallback", w.Job(extra: [Parallelism(1)]));
        w.Sites[0].Faults.FailNext("PUT", "/jobs/*/resource-requirements", 1);

        var v2 = await w.UpdateAsync(v1, w.Job(extra: [Parallelism(2)]));

        Assert.NotEqual(v1.JobId, v2.JobId);
        var old = w.Sites[0].Job(v1.JobId)!;
        Assert.Equal(JobStatus.FINISHED, old.State);
        Assert.Equal(Assert.Single(old.Savepoints), w.Sites[0].Job(v2.JobId)!.RestoredFrom);
        Assert.Equal(2, w.Sites[0].Job(v2.JobId)!.Parallelism);
        Assert.Contains(w.Driver.Logs, l => l.Message.Contains("did not change the parallelism in place") && l.Message.Contains("restarting the job instead"));
    }

    [Fact]
    public async Task A_parallelism_change_with_other_changes_restarts_even_on_the_adaptive_scheduler()
    {
        await using var w = await FlinkSites.StartAsync(options: new FlinkStandInOptions { Scheduler = "adaptive" });
        var v1 = await w.CreateAsync("both", w.Job(extra: [Parallelism(1)]));

        var v2 = await w.UpdateAsync(v1, w.Job(extra: [Parallelism(2), ("arguments", PropertyValue.Of([S("--fast")]))]));

        Assert.NotEqual(v1.JobId, v2.JobId);
        Assert.Empty(w.Sites[0].Requests.Matching("PUT", "/jobs/*/resource-requirements"));
    }

    [Fact]
    public async Task An_in_place_rescale_keeps_the_job_and_its_outputs()
    {
        await using var w = await FlinkSites.StartAsync(options: new FlinkStandInOptions { Scheduler = "adaptive" });
        var v1 = await w.CreateAsync("inplace", w.Job(extra: [Parallelism(1)]));

        var v2 = await w.UpdateAsync(v1, w.Job(extra: [Parallelism(3)]));

        Assert.Equal(v1.JobId, v2.JobId);
        Assert.Equal(v1.Outputs["generation"], v2.Outputs["generation"]);
        Assert.Equal(3, v2.Outputs["parallelism"].AsNumber);
        Assert.Empty(w.Sites[0].Job(v1.JobId)!.Savepoints);
        Assert.Empty(await w.DiffChanges(v2, w.Job(extra: [Parallelism(3)])));
    }
}

using Speck.FlinkStandIn;
using Speck.FlinkStandIn.Jobs;
using Speck.Host.Values;
using static Speck.Tests.Provider.Resources.ResourceDriver;

namespace Speck.Tests.Provider.Resources.StreamJob;

/// <summary>
/// <c>upgradeMode: last-state</c> beyond an update: a suspension keeps the cancelled job's retained checkpoint to resume
/// from, and a new savepoint asked for with a restart is taken while the job still runs (docs/flink-rest.md
/// §Checkpoints a restart can resume from).
/// </summary>
public sealed class StreamJobLastStateTests
{
    private static readonly (string, PropertyValue)[] LastState =
    [
        ("upgradeMode", S("last-state")),
        ("flinkConfiguration", Obj(("execution.checkpointing.interval", S("30 ms")),
            ("execution.checkpointing.externalized-checkpoint-retention", S("RETAIN_ON_CANCELLATION")))),
    ];

    private static async Task AwaitCheckpointAsync(FlinkSites w, string jobId)
    {
        for (var i = 0; i < 200 && w.Sites[0].Job(jobId)!.RetainedCheckpoints.Count == 0; i++) await Task.Delay(25);
    }

    [Fact]
    public async Task Suspending_keeps_the_retained_checkpoint_and_running_again_resumes_from_it()
    {
        var checkpoints = Directory.CreateTempSubdirectory("speck-chk-").FullName;
        try
        {
            await using var w = await FlinkSites.StartAsync(options: new FlinkStandInOptions { CheckpointDir = checkpoints });
            var v1 = await w.CreateAsync("ls", w.Job(extra: LastState));
            await AwaitCheckpointAsync(w, v1.JobId);

            var suspended = await w.UpdateAsync(v1, w.Job(extra: [.. LastState, ("desiredState", S("suspended"))]));
            var old = w.Sites[0].Job(v1.JobId)!;
            Assert.Equal(JobStatus.CANCELED, old.State);
            Assert.Empty(old.Savepoints);
            var checkpoint = Assert.Single(old.RetainedCheckpoints);
            Assert.Equal(checkpoint, suspended.LastSavepoint);

            var resumed = await w.UpdateAsync(suspended, w.Job(extra: LastState));
            Assert.Equal(checkpoint, w.Sites[0].Job(resumed.JobId)!.RestoredFrom);
            Assert.Equal(JobStatus.RUNNING, w.Sites[0].Job(resumed.JobId)!.State);
        }
        finally { Directory.Delete(checkpoints, recursive: true); }
    }

    [Fact]
    public async Task A_savepoint_asked_for_with_a_last_state_restart_is_taken_before_the_cancel()
    {
        var checkpoints = Directory.CreateTempSubdirectory("speck-chk-").FullName;
        try
        {
            await using var w = await FlinkSites.StartAsync(options: new FlinkStandInOptions { CheckpointDir = checkpoints });
            var v1 = await w.CreateAsync("lsn", w.Job(extra: LastState));
            await AwaitCheckpointAsync(w, v1.JobId);

            var v2 = await w.UpdateAsync(v1, w.Job(extra: [.. LastState, ("savepointTriggerNonce", S("1")), ("arguments", PropertyValue.Of([S("--fast")]))]));

            var old = w.Sites[0].Job(v1.JobId)!;
            Assert.Equal(JobStatus.CANCELED, old.State);
            var savepoint = Assert.Single(old.Savepoints);
            Assert.Contains(savepoint, v2.Outputs["savepointHistory"].AsArray.Select(v => v.AsString));
            // The restart still resumes from the latest retained checkpoint, as last-state does.
            Assert.Equal(Assert.Single(old.RetainedCheckpoints), w.Sites[0].Job(v2.JobId)!.RestoredFrom);
        }
        finally { Directory.Delete(checkpoints, recursive: true); }
    }
}

using Speck.FlinkStandIn.Jobs;
using Speck.Host.Resources;
using Speck.Host.Values;
using static Speck.Tests.Provider.Resources.ResourceDriver;

namespace Speck.Tests.Provider.Resources.StreamJob;

/// <summary>
/// <c>savepointRetention</c> by age, and a disposal that fails: the savepoint stays in the history (dispose first,
/// then forget) and the update says so (docs/flink-rest.md §A savepoint without stopping, and disposal).
/// </summary>
public sealed class StreamJobSavepointRetentionTests
{
    private static (string, PropertyValue) Nonce(string n) => ("savepointTriggerNonce", S(n));

    private static PropertyMap History(Deployed d) =>
        new(d.Outputs["savepointHistory"].AsArray.Select((v, i) => KeyValuePair.Create(i.ToString(), v)));

    [Fact]
    public async Task Savepoints_older_than_maxAge_are_disposed_but_never_the_last_one()
    {
        await using var w = await FlinkSites.StartAsync();
        var retention = ("savepointRetention", Obj(("maxAge", S("1 s"))));
        var v0 = await w.CreateAsync("age", w.Job(extra: [retention]));
        var v1 = await w.UpdateAsync(v0, w.Job(extra: [retention, Nonce("1")]));
        var first = v1.LastSavepoint!;
        await Task.Delay(1200);
        // The only savepoint, though older than maxAge, is the one a restart resumes from: kept.
        var kept = await w.UpdateAsync(v1, w.Job(extra: [retention, Nonce("1"), ("readinessSeconds", PropertyValue.Of(0))]));
        Assert.True(Directory.Exists(first["file:".Length..]));
        Assert.Equal(first, Assert.Single(History(kept)).Value.AsString);

        var v2 = await w.UpdateAsync(kept, w.Job(extra: [retention, Nonce("2")]));

        Assert.Equal(v0.JobId, v2.JobId);
        Assert.False(Directory.Exists(first["file:".Length..]));
        Assert.Equal(v2.LastSavepoint, Assert.Single(History(v2)).Value.AsString);
        Assert.Equal([v2.LastSavepoint!], v2.Outputs["savepointTimes"].AsObject.Keys);
    }

    [Fact]
    public async Task A_savepoint_that_cannot_be_disposed_stays_in_the_history_with_a_warning()
    {
        await using var w = await FlinkSites.StartAsync();
        var retention = ("savepointRetention", Obj(("maxCount", PropertyValue.Of(1))));
        var v0 = await w.CreateAsync("keep", w.Job(extra: [retention]));
        var v1 = await w.UpdateAsync(v0, w.Job(extra: [retention, Nonce("1")]));
        Directory.Delete(v1.LastSavepoint!["file:".Length..], recursive: true); // gone behind Pulumi's back: Flink cannot dispose of it

        var v2 = await w.UpdateAsync(v1, w.Job(extra: [retention, Nonce("2")]));

        Assert.Equal([v1.LastSavepoint!, v2.LastSavepoint!], History(v2).Values.Select(v => v.AsString));
        Assert.Contains(w.Driver.Logs, l => l.Level == MessageSeverity.Warning && l.Message.Contains($"could not dispose of savepoint {v1.LastSavepoint}"));
        Assert.Equal(JobStatus.RUNNING, w.Sites[0].Job(v2.JobId)!.State);
    }
}

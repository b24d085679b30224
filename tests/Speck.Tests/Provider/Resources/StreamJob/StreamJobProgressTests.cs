using Speck.Host.Resources;
using Speck.Host.Values;

namespace Speck.Tests.Provider.Resources.StreamJob;

/// <summary>
/// Long waits of a job's deployment are shown as the engine's status lines (ephemeral log), naming what is awaited,
/// on which site and for how long so far; they stop when the wait ends and never reach the lasting log.
/// </summary>
public sealed class StreamJobProgressTests
{
    [Fact]
    public async Task A_job_waiting_for_task_slots_shows_what_it_waits_for_on_which_site_and_for_how_long()
    {
        await using var w = await FlinkSites.StartAsync();
        w.Driver.StatusAfter = TimeSpan.FromMilliseconds(100);
        w.Driver.StatusEvery = TimeSpan.FromMilliseconds(200);
        w.Sites[0].TaskSlots = 0;
        var inputs = await w.CheckAsync("starved", w.Job());

        await Assert.ThrowsAsync<InitFailure>(() => w.Handler.CreateAsync(w.Ctx("starved", timeout: TimeSpan.FromSeconds(2)), inputs));

        var jobId = Assert.Single(w.Sites[0].Jobs).JobId;
        var lines = w.Driver.StatusLines.ToList();
        Assert.True(lines.Count >= 2, $"status lines: {lines.Count}");
        Assert.All(lines, l => Assert.Matches($"^waiting for Flink job {jobId} to run its tasks on site 'site0': [0-9]+ s so far$", l.Message));
        Assert.All(lines, l => Assert.EndsWith("::starved", l.Urn));
        Assert.DoesNotContain(w.Driver.Logs, l => l.Message.StartsWith("waiting for", StringComparison.Ordinal));

        // The wait is over: no further lines.
        await Task.Delay(600);
        Assert.Equal(lines.Count, w.Driver.StatusLines.Count);
    }

    [Fact]
    public async Task A_slow_savepoint_during_an_upgrade_is_shown_while_it_is_awaited()
    {
        await using var w = await FlinkSites.StartAsync();
        var v1 = await w.CreateAsync("slow", w.Job());
        w.Driver.StatusAfter = TimeSpan.FromMilliseconds(50);
        w.Driver.StatusEvery = TimeSpan.FromMilliseconds(100);
        w.Sites[0].Latency = TimeSpan.FromMilliseconds(150);

        await w.UpdateAsync(v1, w.Job(version: 2));

        Assert.Contains(w.Driver.StatusLines, l => l.Message.StartsWith($"waiting for the savepoint of Flink job {v1.JobId} on site 'site0': ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_wait_shorter_than_the_first_interval_shows_nothing_and_a_finished_one_stops()
    {
        var lines = new List<string>();
        var quiet = new WaitProgress(m => { lock (lines) lines.Add(m); return Task.CompletedTask; }, "", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
        using (quiet.At("on site 'a'").Begin("nothing much")) { }
        var chatty = new WaitProgress(m => { lock (lines) lines.Add(m); return Task.CompletedTask; }, "", TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(20));
        using (chatty.At("on site 'b'").Begin("a flow to connect")) await Task.Delay(300);
        int seen;
        lock (lines) seen = lines.Count;
        await Task.Delay(200);

        lock (lines)
        {
            Assert.Equal(seen, lines.Count);
            Assert.NotEmpty(lines);
            Assert.All(lines, l => Assert.StartsWith("waiting for a flow to connect on site 'b': ", l));
        }
    }
}

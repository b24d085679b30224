using Speck.FlinkStandIn.Control;
using Speck.FlinkStandIn.Jobs;
using Speck.Host.Resources;
using Speck.Host.Values;
using static Speck.Tests.Provider.Resources.ResourceDriver;

namespace Speck.Tests.Provider.Resources.StreamJob;

public sealed class StreamJobUpgradeTests
{
    [Fact]
    public async Task A_savepoint_upgrade_starts_the_new_version_from_the_old_ones_savepoint()
    {
        await using var w = await FlinkSites.StartAsync();
        var v1 = await w.CreateAsync("up", w.Job());
        var v2 = await w.UpdateAsync(v1, w.Job(version: 2));

        var old = w.Sites[0].Job(v1.JobId)!;
        var @new = w.Sites[0].Job(v2.JobId)!;
        Assert.Equal(JobStatus.FINISHED, old.State);
        var savepoint = Assert.Single(old.Savepoints);
        Assert.Equal(savepoint, @new.RestoredFrom);
        Assert.Equal(JobStatus.RUNNING, @new.State);
        Assert.NotEqual(old.JarSha256, @new.JarSha256);
        Assert.Equal("NO_CLAIM", @new.ClaimMode);
        Assert.Equal(savepoint, v2.LastSavepoint);
        Assert.Equal(2, v2.Outputs["generation"].AsNumber);
        Assert.Equal(v1.Id, v2.Id);
        // The old version's jar is no longer used by any job: removed; the new one stays.
        Assert.Single(w.Sites[0].Requests.Matching("DELETE", "/jars/*"));
        Assert.Single(Directory.GetFiles(w.Sites[0].UploadDirectory));
        Assert.Empty(await w.DiffChanges(v2, w.Job(version: 2)));
    }

    [Fact]
    public async Task On_flink_1_19_the_restore_is_asked_for_with_restoreMode_which_is_all_it_knows()
    {
        await using var w = await FlinkSites.StartAsync(options: new Speck.FlinkStandIn.FlinkStandInOptions { FlinkVersion = "1.19.1" });
        var v1 = await w.CreateAsync("old", w.Job());
        var v2 = await w.UpdateAsync(v1, w.Job(version: 2));

        var job = w.Sites[0].Job(v2.JobId)!;
        Assert.Equal(Assert.Single(w.Sites[0].Job(v1.JobId)!.Savepoints), job.RestoredFrom);
        Assert.Equal("NO_CLAIM", job.ClaimMode);
    }

    [Fact]
    public async Task A_new_version_that_fails_is_rolled_back_to_the_previous_one_from_the_same_savepoint()
    {
        await using var w = await FlinkSites.StartAsync();
        w.Sites[0].FailJobs(new JobFailureRule(null, "--broken", TimeSpan.Zero));
        var v1 = await w.CreateAsync("rb", w.Job(extra: ("readinessSeconds", PropertyValue.Of(1))));
        var news = w.Job(version: 2, extra: [("readinessSeconds", PropertyValue.Of(1)), ("arguments", PropertyValue.Of([S("--broken")]))]);

        var e = await Assert.ThrowsAsync<InitFailure>(() => w.UpdateAsync(v1, news));

        var jobs = w.Sites[0].Jobs;
        Assert.Equal(3, jobs.Count);
        var savepoint = Assert.Single(jobs.Single(j => j.JobId == v1.JobId).Savepoints);
        var failed = jobs.Single(j => j.ProgramArgs.Contains("--broken"));
        var back = jobs.Single(j => j.JobId != v1.JobId && j != failed);
        Assert.Equal(JobStatus.FAILED, failed.State);
        Assert.Equal(savepoint, failed.RestoredFrom);
        Assert.Equal(JobStatus.RUNNING, back.State);
        Assert.Equal(savepoint, back.RestoredFrom);
        // What Pulumi records names the job that runs, and the version it runs.
        Assert.Equal(back.JobId, e.Properties["jobId"].AsString);
        Assert.Equal(v1.Inputs["jarPath"], e.Properties["jarPath"]);
        Assert.False(e.Properties.TryGetValue("arguments", out _));
        Assert.Equal(v1.JobId[..8], back.JobId[..8]); // the old version's jar
        Assert.Equal(savepoint, e.Properties["lastSavepoint"].AsString);
        Assert.Contains(e.Reasons, r => r.Contains("rolled back") && r.Contains(back.JobId));
        Assert.Contains(e.Reasons, r => r.Contains("Injected failure"));

        // The engine records the new inputs with these outputs: the next preview still shows the change pending.
        var recorded = v1 with { Inputs = await w.CheckAsync("rb", news), Outputs = e.Properties };
        Assert.Equal(["arguments", "jarPath"], (await w.DiffChanges(recorded, news)).Order());

        // The next update starts from the job that runs (the outputs name it), not from the inputs that failed.
        var fixedNews = w.Job(version: 2, extra: ("readinessSeconds", PropertyValue.Of(1)));
        var v3 = await w.UpdateAsync(recorded, fixedNews);
        var stopped = w.Sites[0].Job(back.JobId)!;
        Assert.Equal(JobStatus.FINISHED, stopped.State);
        Assert.Equal(Assert.Single(stopped.Savepoints), w.Sites[0].Job(v3.JobId)!.RestoredFrom);
    }

    [Fact]
    public async Task A_program_whose_operators_do_not_fit_the_savepoint_is_rolled_back_unless_non_restored_state_is_allowed()
    {
        await using var w = await FlinkSites.StartAsync();
        var v1 = await w.CreateAsync("ops", w.Job());

        var e = await Assert.ThrowsAsync<InitFailure>(() => w.UpdateAsync(v1, w.Job(entryClass: FlinkSites.V2)));
        Assert.Contains(e.Reasons, r => r.Contains("allowNonRestoredState") && r.Contains("Cannot map checkpoint/savepoint state"));
        Assert.Equal(FlinkSites.V1, e.Properties["entryClass"].AsString);
        Assert.Equal(JobStatus.RUNNING, w.Sites[0].Job(e.Properties["jobId"].AsString)!.State);

        var recorded = v1 with { Inputs = await w.CheckAsync("ops", w.Job(entryClass: FlinkSites.V2)), Outputs = e.Properties };
        var v2 = await w.UpdateAsync(recorded, w.Job(entryClass: FlinkSites.V2, extra: ("allowNonRestoredState", PropertyValue.True)));
        var job = w.Sites[0].Job(v2.JobId)!;
        Assert.Equal(JobStatus.RUNNING, job.State);
        Assert.Equal(FlinkSites.V2, job.EntryClass);
        Assert.True(job.AllowNonRestoredState);
        Assert.NotNull(job.RestoredFrom);
    }

    [Fact]
    public async Task Moving_a_job_to_another_site_carries_its_state_and_leaves_the_old_site_alone()
    {
        await using var w = await FlinkSites.StartAsync(2);
        var onA = await w.CreateAsync("mv", w.Job(site: 0));
        var diff = await w.DiffAsync(onA, w.Job(site: 1));
        Assert.Equal(DiffKind.Update, diff.Detailed["site.spe.url"]);
        Assert.DoesNotContain(diff.Detailed.Values, k => k.ToString().EndsWith("Replace"));
        w.Sites[1].Requests.Clear();

        var onB = await w.UpdateAsync(onA, w.Job(site: 1));

        var oldJob = Assert.Single(w.Sites[0].Jobs);
        var newJob = Assert.Single(w.Sites[1].Jobs);
        Assert.Equal(JobStatus.FINISHED, oldJob.State);
        Assert.Equal(Assert.Single(oldJob.Savepoints), newJob.RestoredFrom);
        Assert.Equal(oldJob.StateCounter, newJob.RestoredState);
        Assert.Equal(newJob.JobId, onB.JobId);
        Assert.Equal("site1", onB.Outputs["siteName"].AsString);
        Assert.Empty(Directory.GetFiles(w.Sites[0].UploadDirectory));
        Assert.Single(w.Sites[1].Requests.Matching("POST", "/jars/upload"));
    }

    [Fact]
    public async Task A_stateless_update_cancels_and_starts_with_empty_state()
    {
        await using var w = await FlinkSites.StartAsync();
        var stateless = ("upgradeMode", S("stateless"));
        var v1 = await w.CreateAsync("sl", w.Job(extra: stateless));
        var v2 = await w.UpdateAsync(v1, w.Job(extra: [stateless, ("arguments", PropertyValue.Of([S("--fast")]))]));

        Assert.Equal(JobStatus.CANCELED, w.Sites[0].Job(v1.JobId)!.State);
        var job = w.Sites[0].Job(v2.JobId)!;
        Assert.Null(job.RestoredFrom);
        Assert.Equal("--fast", job.ProgramArgs[^1]);
        Assert.Empty(w.Sites[0].Requests.Matching("POST", "/jobs/*/stop"));
    }

    [Fact]
    public async Task Changing_only_how_upgrades_work_restarts_nothing()
    {
        await using var w = await FlinkSites.StartAsync();
        var v1 = await w.CreateAsync("mode", w.Job());
        var news = w.Job(extra: [("upgradeMode", S("stateless")), ("savepointOnDelete", PropertyValue.True)]);
        Assert.Equal(["savepointOnDelete", "upgradeMode"], (await w.DiffChanges(v1, news)).Order());
        w.Sites[0].Requests.Clear();

        var v2 = await w.UpdateAsync(v1, news);

        Assert.Equal(v1.JobId, v2.JobId);
        Assert.DoesNotContain(w.Sites[0].Requests.Entries, r => r.Method != "GET");
        Assert.Equal("stateless", v2.Inputs["upgradeMode"].AsString);
    }

    [Fact]
    public async Task Writing_the_default_modes_in_or_out_is_no_change()
    {
        await using var w = await FlinkSites.StartAsync();
        var v1 = await w.CreateAsync("dflt", w.Job());
        Assert.False(v1.Inputs.ContainsKey("upgradeMode"));
        var spelled = w.Job(extra: [("upgradeMode", S("savepoint")), ("desiredState", S("running"))]);

        Assert.Empty(await w.DiffChanges(v1, spelled));
        var recorded = v1 with { Inputs = await w.CheckAsync("dflt", spelled) };
        Assert.Empty(await w.DiffChanges(recorded, w.Job()));
        Assert.Equal(["upgradeMode"], await w.DiffChanges(recorded, w.Job(extra: ("upgradeMode", S("stateless")))));
    }

    [Fact]
    public async Task Suspending_stops_with_a_savepoint_and_resuming_starts_from_it()
    {
        await using var w = await FlinkSites.StartAsync();
        var running = await w.CreateAsync("sus", w.Job());
        var suspended = await w.UpdateAsync(running, w.Job(extra: ("desiredState", S("suspended"))));

        Assert.Equal("SUSPENDED", suspended.State);
        var savepoint = Assert.Single(w.Sites[0].Job(running.JobId)!.Savepoints);
        Assert.Equal(savepoint, suspended.LastSavepoint);
        Assert.Equal("SUSPENDED", (await w.ReadAsync(suspended))!.State);

        var resumed = await w.UpdateAsync(suspended, w.Job());
        Assert.Equal("RUNNING", resumed.State);
        Assert.Equal(savepoint, w.Sites[0].Job(resumed.JobId)!.RestoredFrom);

        var upgraded = await w.UpdateAsync(resumed, w.Job(version: 2));
        var second = Assert.Single(w.Sites[0].Job(resumed.JobId)!.Savepoints);
        Assert.Equal([savepoint, second], upgraded.Outputs["savepointHistory"].AsArray.Select(v => v.AsString));
    }

    [Fact]
    public async Task A_savepoint_that_fails_leaves_the_old_job_running_and_fails_cleanly()
    {
        await using var w = await FlinkSites.StartAsync();
        var v1 = await w.CreateAsync("spfail", w.Job());
        w.Sites[0].FailNextSavepoints();

        var e = await Assert.ThrowsAsync<ProviderException>(() => w.UpdateAsync(v1, w.Job(version: 2)));

        Assert.Equal(FailureKind.Aborted, e.Kind);
        Assert.Contains("keeps running", e.Message);
        Assert.Equal(JobStatus.RUNNING, Assert.Single(w.Sites[0].Jobs).State);
    }
}

public sealed class StreamJobInterruptedUpgradeTests
{
    [Fact]
    public async Task A_new_version_the_site_refuses_after_the_savepoint_is_rolled_back_and_the_next_update_starts_it()
    {
        await using var w = await FlinkSites.StartAsync();
        var v1 = await w.CreateAsync("cut", w.Job());
        w.Sites[0].Faults.FailNext("POST", "/jars/*/run", 1, FaultKind.DropConnection);

        var e = await Assert.ThrowsAsync<InitFailure>(() => w.UpdateAsync(v1, w.Job(version: 2)));

        var savepoint = Assert.Single(w.Sites[0].Job(v1.JobId)!.Savepoints);
        var back = w.Sites[0].Jobs.Single(j => j.State == JobStatus.RUNNING);
        Assert.Equal(savepoint, back.RestoredFrom);
        Assert.Equal(back.JobId, e.Properties["jobId"].AsString);
        Assert.Equal(savepoint, e.Properties["lastSavepoint"].AsString);
        Assert.Contains(e.Reasons, r => r.Contains("did not start"));
        Assert.Contains(e.Reasons, r => r.Contains("rolled back") && r.Contains(savepoint));

        var recorded = v1 with { Inputs = await w.CheckAsync("cut", w.Job(version: 2)), Outputs = e.Properties };
        Assert.Contains("jarPath", await w.DiffChanges(recorded, w.Job(version: 2)));
        var upgraded = await w.UpdateAsync(recorded, w.Job(version: 2));
        Assert.Equal("RUNNING", upgraded.State);
        Assert.Equal(Assert.Single(w.Sites[0].Job(back.JobId)!.Savepoints), w.Sites[0].Job(upgraded.JobId)!.RestoredFrom);
    }
}

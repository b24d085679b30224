using System.Text.Json.Nodes;
using Speck.FlinkStandIn.Control;
using Speck.FlinkStandIn.Jobs;
using Speck.Host.Resources;
using Speck.Host.Values;
using static Speck.Tests.Provider.Resources.ResourceDriver;
using static Speck.Tests.Provider.Resources.EngineElision;

namespace Speck.Tests.Provider.Resources.StreamJob;

/// <summary>
/// A job whose jar is an `fn::fileAsset`, driven as the engine drives it: the old inputs and outputs of Diff, Update,
/// Read and Delete carry the asset as its hash alone (see <see cref="Speck.Tests.Provider.Resources.EngineElision"/>).
/// </summary>
public sealed class StreamJobElidedAssetTests
{
    private static readonly (string, PropertyValue) Ready = ("readinessSeconds", PropertyValue.Of(1));
    private static readonly (string, PropertyValue) Broken = ("arguments", PropertyValue.Of([S("--broken")]));

    [Fact]
    public async Task A_failed_upgrade_of_a_file_asset_job_rolls_back_to_the_old_jar_found_on_the_site_by_its_hash()
    {
        await using var w = await FlinkSites.StartAsync();
        w.Sites[0].FailJobs(new JobFailureRule(null, "--broken", TimeSpan.Zero));
        var v1 = await w.CreateAsync("asset", w.AssetJob(extra: Ready));

        var e = await Assert.ThrowsAsync<InitFailure>(() => w.UpdateAsync(v1, w.AssetJob(version: 2, extra: [Ready, Broken])));

        var savepoint = Assert.Single(w.Sites[0].Job(v1.JobId)!.Savepoints);
        var back = w.Sites[0].Jobs.Single(j => j.State == JobStatus.RUNNING);
        Assert.Equal(FlinkSites.Sha256(w.Jar()), back.JarSha256);
        Assert.DoesNotContain("--broken", back.ProgramArgs);
        Assert.Equal(savepoint, back.RestoredFrom);
        Assert.Equal(back.JobId, e.Properties["jobId"].AsString);
        Assert.Equal("RUNNING", e.Properties["state"].AsString);
        Assert.Equal(savepoint, e.Properties["lastSavepoint"].AsString);
        Assert.Contains(e.Reasons, r => r.Contains("rolled back") && r.Contains(back.JobId));
        // Each version's jar was uploaded once; the rollback found the old one on the site.
        Assert.Equal(2, w.Sites[0].Requests.Matching("POST", "/jars/upload").Count);
    }

    [Fact]
    public async Task A_rollback_starts_the_jar_that_ran_even_when_its_jar_path_now_holds_a_new_build()
    {
        await using var w = await FlinkSites.StartAsync();
        w.Sites[0].FailJobs(new JobFailureRule(null, "--broken", TimeSpan.Zero));
        var v1 = await w.CreateAsync("rebuilt", w.Job(extra: Ready));
        var ran = FlinkSites.Sha256(w.Jar());
        File.Copy(w.Jar(version: 2), w.Jar(), overwrite: true); // rebuilt in place

        var e = await Assert.ThrowsAsync<InitFailure>(() => w.UpdateAsync(v1, w.Job(extra: [Ready, Broken])));

        var back = w.Sites[0].Jobs.Single(j => j.State == JobStatus.RUNNING);
        Assert.Equal(ran, back.JarSha256);
        Assert.Equal(ran, e.Properties["artifactSha256"].AsString);
    }

    [Fact]
    public async Task A_rollback_whose_old_jar_is_gone_from_the_site_reports_the_stopped_job_and_its_savepoint()
    {
        await using var w = await FlinkSites.StartAsync();
        w.Sites[0].FailJobs(new JobFailureRule(null, "--broken", TimeSpan.Zero));
        var v1 = await w.CreateAsync("gone", w.AssetJob(extra: Ready));
        using (var http = new HttpClient { BaseAddress = new Uri(w.Sites[0].BaseUrl) })
        {
            var jars = JsonNode.Parse(await http.GetStringAsync("/jars"))!["files"]!.AsArray();
            foreach (var jar in jars) (await http.DeleteAsync($"/jars/{jar!["id"]!.GetValue<string>()}")).EnsureSuccessStatusCode();
        }

        var e = await Assert.ThrowsAsync<InitFailure>(() => w.UpdateAsync(v1, w.AssetJob(version: 2, extra: [Ready, Broken])));

        var savepoint = Assert.Single(w.Sites[0].Job(v1.JobId)!.Savepoints);
        Assert.DoesNotContain(w.Sites[0].Jobs, j => j.State == JobStatus.RUNNING);
        Assert.Equal("SUSPENDED", e.Properties["state"].AsString);
        Assert.Equal(savepoint, e.Properties["lastSavepoint"].AsString);
        Assert.Contains(e.Reasons, r => r.Contains("rolling back failed") && r.Contains(FlinkSites.Sha256(w.Jar())));
        // The next update starts the program's version from the recorded savepoint.
        var recorded = v1 with { Inputs = await w.CheckAsync("gone", w.AssetJob(version: 2, extra: Ready)), Outputs = e.Properties };
        var resumed = await w.UpdateAsync(recorded, w.AssetJob(version: 2, extra: Ready));
        Assert.Equal(savepoint, w.Sites[0].Job(resumed.JobId)!.RestoredFrom);
    }

    [Fact]
    public async Task A_jar_moved_to_another_file_with_the_same_content_is_no_change()
    {
        await using var w = await FlinkSites.StartAsync();
        var v1 = await w.CreateAsync("moved", w.AssetJob());

        Assert.Empty(await w.DiffChanges(v1, w.AssetJob(copyTo: "elsewhere.jar")));
        // An old asset elided to its hash against the whole new asset with that hash: no change either.
        var whole = await w.CheckAsync("moved", w.AssetJob(copyTo: "elsewhere.jar"));
        var diff = await w.Handler.DiffAsync(w.Ctx("moved", v1.Id), Elide(v1.Outputs), Elide(v1.Inputs), whole, []);
        Assert.False(diff.HasChanges, string.Join(", ", diff.Detailed.Keys));
        Assert.Equal(["artifact"], await w.DiffChanges(v1, w.AssetJob(version: 2)));

        w.Sites[0].Requests.Clear();
        var v2 = await w.UpdateAsync(v1, w.AssetJob(copyTo: "elsewhere.jar"));
        Assert.Equal(v1.JobId, v2.JobId);
        Assert.DoesNotContain(w.Sites[0].Requests.Entries, r => r.Method != "GET");
    }

    [Fact]
    public async Task A_move_the_new_site_refuses_is_rolled_back_to_the_old_site_from_the_savepoint()
    {
        await using var w = await FlinkSites.StartAsync(2);
        var onA = await w.CreateAsync("refused", w.AssetJob(site: 0));
        // Site 1 starts the job but the answer is lost: the provider must not leave it running beside the rollback.
        w.Sites[1].Faults.FailNext("POST", "/jars/*/run", 1, FaultKind.DropResponse);

        var e = await Assert.ThrowsAsync<InitFailure>(() => w.UpdateAsync(onA, w.AssetJob(site: 1)));

        var savepoint = Assert.Single(w.Sites[0].Job(onA.JobId)!.Savepoints);
        var back = w.Sites[0].Jobs.Single(j => j.State == JobStatus.RUNNING);
        Assert.Equal(savepoint, back.RestoredFrom);
        Assert.DoesNotContain(w.Sites[1].Jobs, j => j.State == JobStatus.RUNNING);
        Assert.Equal(back.JobId, e.Properties["jobId"].AsString);
        Assert.Equal("site0", e.Properties["siteName"].AsString);
        Assert.Equal(savepoint, e.Properties["lastSavepoint"].AsString);
        Assert.Contains(e.Reasons, r => r.Contains("did not start on site 'site1'"));
        Assert.Contains(e.Reasons, r => r.Contains("rolled back") && r.Contains("site0"));

        // The engine records the new inputs with these outputs: the move is still pending and goes through later.
        var recorded = onA with { Inputs = await w.CheckAsync("refused", w.AssetJob(site: 1)), Outputs = e.Properties };
        Assert.Contains("site", await w.DiffChanges(recorded, w.AssetJob(site: 1)));
        var onB = await w.UpdateAsync(recorded, w.AssetJob(site: 1));
        Assert.Equal(Assert.Single(w.Sites[0].Job(back.JobId)!.Savepoints), w.Sites[1].Job(onB.JobId)!.RestoredFrom);
    }

    [Fact]
    public async Task A_move_to_a_site_that_cannot_be_reached_is_rolled_back_to_the_old_site()
    {
        await using var w = await FlinkSites.StartAsync();
        var onA = await w.CreateAsync("unreachable", w.AssetJob(site: 0));
        var nowhere = Obj(("siteName", S("site9")), ("tier", S("fog")), ("spe", Obj(("kind", S("flink")), ("url", S("http://127.0.0.1:1")))),
            ("broker", Obj(("kind", S("mqtt")), ("url", S("mqtt://127.0.0.9:1883")))));

        var e = await Assert.ThrowsAsync<InitFailure>(() => w.UpdateAsync(onA, w.AssetJob(site: 0).With("site", nowhere)));

        var back = w.Sites[0].Jobs.Single(j => j.State == JobStatus.RUNNING);
        Assert.Equal(Assert.Single(w.Sites[0].Job(onA.JobId)!.Savepoints), back.RestoredFrom);
        Assert.Equal(back.JobId, e.Properties["jobId"].AsString);
        Assert.Contains(e.Reasons, r => r.Contains("did not start on site 'site9'"));
    }

    [Fact]
    public async Task A_move_to_a_site_where_the_job_fails_is_rolled_back_to_the_old_site()
    {
        await using var w = await FlinkSites.StartAsync(2);
        w.Sites[1].FailJobs(new JobFailureRule(null, null, TimeSpan.Zero, "Injected failure: the new site lacks a library."));
        var onA = await w.CreateAsync("failing", w.AssetJob(site: 0, extra: Ready));

        var e = await Assert.ThrowsAsync<InitFailure>(() => w.UpdateAsync(onA, w.AssetJob(site: 1, extra: Ready)));

        var back = w.Sites[0].Jobs.Single(j => j.State == JobStatus.RUNNING);
        Assert.Equal(Assert.Single(w.Sites[0].Job(onA.JobId)!.Savepoints), back.RestoredFrom);
        Assert.Equal(back.JobId, e.Properties["jobId"].AsString);
        Assert.Contains(e.Reasons, r => r.Contains("lacks a library"));
    }

    [Fact]
    public async Task An_update_cancelled_by_the_engine_after_the_savepoint_reports_it_and_leaves_no_half_started_job()
    {
        await using var w = await FlinkSites.StartAsync();
        var v1 = await w.CreateAsync("cancel", w.AssetJob());
        var news = await w.CheckAsync("cancel", w.AssetJob(version: 2, extra: ("readinessSeconds", PropertyValue.Of(30))));
        using var engine = new CancellationTokenSource();

        var update = w.Handler.UpdateAsync(w.Ctx("cancel", v1.Id, cancelled: engine.Token), Elide(v1.Outputs), Elide(v1.Inputs), news);
        // The new version has started and waits out its readiness time when the engine cancels.
        for (var i = 0; i < 400 && !w.Sites[0].Jobs.Any(j => j.JobId != v1.JobId && j.State == JobStatus.RUNNING); i++) await Task.Delay(25);
        await engine.CancelAsync();
        var e = await Assert.ThrowsAsync<InitFailure>(() => update);

        var savepoint = Assert.Single(w.Sites[0].Job(v1.JobId)!.Savepoints);
        Assert.Equal("SUSPENDED", e.Properties["state"].AsString);
        Assert.Equal(savepoint, e.Properties["lastSavepoint"].AsString);
        Assert.Contains(e.Reasons, r => r.Contains("cancelled") && r.Contains(savepoint));
        Assert.DoesNotContain(w.Sites[0].Jobs, j => j.State == JobStatus.RUNNING);
    }

    [Fact]
    public async Task Read_and_delete_work_from_the_hash_alone()
    {
        await using var w = await FlinkSites.StartAsync();
        var d = await w.CreateAsync("plain", w.AssetJob());

        var read = (await w.ReadAsync(d))!;
        Assert.Equal("RUNNING", read.State);
        await w.DeleteAsync(d);
        Assert.Equal(JobStatus.CANCELED, w.Sites[0].Job(d.JobId)!.State);
    }
}

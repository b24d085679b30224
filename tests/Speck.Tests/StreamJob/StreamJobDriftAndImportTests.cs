using Speck.FlinkStandIn.Jobs;
using Speck.Host.Resources;
using Speck.Host.Values;
using static Speck.Tests.Resources.ResourceDriver;

namespace Speck.Tests.StreamJob;

public sealed class StreamJobDriftAndImportTests
{
    [Fact]
    public async Task Diff_names_each_changed_input_and_only_another_engine_kind_replaces()
    {
        await using var w = await FlinkSites.StartAsync();
        var d = await w.CreateAsync("diff", w.Job());

        Assert.Empty(await w.DiffChanges(d, w.Job()));
        var args = await w.DiffAsync(d, w.Job(extra: [("parallelism", PropertyValue.Of(2)), ("sink", FlinkSites.Topic(0, "other"))]));
        Assert.Equal(DiffKind.Add, args.Detailed["parallelism"]);
        Assert.Equal(DiffKind.Update, args.Detailed["sink.name"]);
        Assert.Equal(2, args.Detailed.Count);

        var kind = await w.Handler.DiffAsync(w.Ctx("diff", d.Id), d.Outputs, d.Inputs, w.Job().With("site", w.Site(0, "nodered")), []);
        Assert.Equal(DiffKind.UpdateReplace, kind.Detailed["site.spe.kind"]);
    }

    [Fact]
    public async Task Unknown_inputs_in_preview_are_changes_never_no_change()
    {
        await using var w = await FlinkSites.StartAsync();
        var d = await w.CreateAsync("unk", w.Job());
        var news = w.Job().With("sink", PropertyValue.Unknown).With("arguments", PropertyValue.Unknown);

        var diff = await w.Handler.DiffAsync(w.Ctx("unk", d.Id), d.Outputs, d.Inputs, news, []);

        Assert.True(diff.HasChanges);
        Assert.Equal(DiffKind.Update, diff.Detailed["sink"]);
        Assert.Equal(DiffKind.Add, diff.Detailed["arguments"]);
    }

    [Fact]
    public async Task Refresh_sees_a_job_cancelled_behind_pulumis_back_and_the_next_update_runs_it_again()
    {
        await using var w = await FlinkSites.StartAsync();
        var d = await w.CreateAsync("drift", w.Job());
        using (var http = new HttpClient { BaseAddress = new Uri(w.Sites[0].BaseUrl) })
            (await http.PatchAsync($"/jobs/{d.JobId}?mode=cancel", null)).EnsureSuccessStatusCode();
        await WaitAsync(() => w.Sites[0].Job(d.JobId)!.State == JobStatus.CANCELED);

        var read = (await w.ReadAsync(d))!;

        Assert.Equal("CANCELED", read.State);
        Assert.Contains(w.Driver.Logs, l => l.Level == LogLevel.Warning && l.Message.Contains("CANCELED"));
        Assert.Equal(["state"], await w.DiffChanges(read, w.Job()));
        var again = await w.UpdateAsync(read, w.Job());
        Assert.Equal("RUNNING", again.State);
        Assert.NotEqual(d.JobId, again.JobId);
        Assert.Equal(2, w.Sites[0].Jobs.Count);
    }

    [Fact]
    public async Task A_job_the_engine_no_longer_knows_reads_as_missing()
    {
        await using var w = await FlinkSites.StartAsync();
        var d = await w.CreateAsync("lost", w.Job());
        await using var other = await FlinkSites.StartAsync();
        // The site's engine was replaced by a fresh one at the same place: the job is gone.
        var moved = d with { Outputs = d.Outputs.With("site", other.Site(0)) };

        var read = (await w.ReadAsync(moved))!;

        Assert.Equal("MISSING", read.State);
        Assert.Contains("no longer knows", read.Outputs["problem"].AsString);
    }

    [Fact]
    public async Task An_imported_job_shows_no_change_against_the_program_that_describes_it()
    {
        await using var w = await FlinkSites.StartAsync();
        var original = await w.CreateAsync("orig", w.Job());
        // The SpeSite in the same program tells the provider where site0 is.
        await w.Driver.CheckAsync("speck:index:SpeSite", "site0", w.Site(0).AsObject.Aggregate(PropertyMap.Empty, (m, kv) => m.With(kv.Key, kv.Value)));

        var imported = await w.Handler.ReadAsync(w.Ctx("adopted", $"site0/{original.JobId}"), PropertyMap.Empty, PropertyMap.Empty);

        Assert.NotNull(imported);
        Assert.Equal(original.JobId, imported.Outputs["jobId"].AsString);
        Assert.Equal("RUNNING", imported.Outputs["state"].AsString);
        Assert.Contains(imported.Outputs["adoptedInputs"].AsArray, v => v.AsString == "jarPath");
        var diff = await w.Handler.DiffAsync(w.Ctx("adopted", imported.Id), imported.Outputs, imported.Inputs, await w.CheckAsync("adopted", w.Job()), []);
        Assert.False(diff.HasChanges, string.Join(", ", diff.Detailed.Keys));
        // The engine now records the program's inputs with Read's outputs: the next preview shows no change either,
        // a change the program makes later is seen, and applying it upgrades the imported job from a savepoint.
        var recorded = new Deployed("adopted", imported.Id, await w.CheckAsync("adopted", w.Job()), imported.Outputs);
        Assert.Empty(await w.DiffChanges(recorded, w.Job()));
        var later = w.Job(extra: ("parallelism", PropertyValue.Of(2)));
        Assert.Equal(["parallelism"], await w.DiffChanges(recorded, later));
        var upgraded = await w.UpdateAsync(recorded, later);
        Assert.Equal(Assert.Single(w.Sites[0].Job(original.JobId)!.Savepoints), w.Sites[0].Job(upgraded.JobId)!.RestoredFrom);
        Assert.Equal(2, w.Sites[0].Job(upgraded.JobId)!.Parallelism);
        Assert.False(upgraded.Outputs.TryGetValue("adoptedInputs", out _));
    }

    [Fact]
    public async Task Import_ids_name_a_site_the_program_declares()
    {
        await using var w = await FlinkSites.StartAsync();
        var bad = await Assert.ThrowsAsync<ProviderException>(() => w.Handler.ReadAsync(w.Ctx("x", "nosuchsite/0123456789abcdef0123456789abcdef"), PropertyMap.Empty, PropertyMap.Empty));
        Assert.Equal(Grpc.Core.StatusCode.FailedPrecondition, bad.Code);
        Assert.Contains("nosuchsite", bad.Message);
        var form = await Assert.ThrowsAsync<ProviderException>(() => w.Handler.ReadAsync(w.Ctx("x", "no-slash"), PropertyMap.Empty, PropertyMap.Empty));
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, form.Code);
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++) await Task.Delay(25);
        Assert.True(condition());
    }
}

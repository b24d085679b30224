using Speck.FlinkStandIn.Jobs;
using Speck.Host.Resources;
using Speck.Host.Values;
using Speck.Tests.Provider.Resources;
using static Speck.Tests.Provider.Resources.ResourceDriver;

namespace Speck.Tests.Provider.Resources.StreamJob;

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
        Assert.Contains(w.Driver.Logs, l => l.Level == MessageSeverity.Warning && l.Message.Contains("CANCELED"));
        Assert.Equal(["state"], await w.DiffChanges(read, w.Job()));
        var again = await w.UpdateAsync(read, w.Job());
        Assert.Equal("RUNNING", again.State);
        Assert.NotEqual(d.JobId, again.JobId);
        Assert.Equal(2, w.Sites[0].Jobs.Count);
    }

    [Fact]
    public async Task Refresh_reports_a_job_that_failed_with_its_cause()
    {
        await using var w = await FlinkSites.StartAsync();
        var d = await w.CreateAsync("failing", w.Job(extra: ("arguments", PropertyValue.Of([S("--doomed")]))));
        w.Sites[0].FailJobs(new Speck.FlinkStandIn.Control.JobFailureRule(null, "--doomed", TimeSpan.Zero, "Injected failure: out of memory."));
        await WaitAsync(() => w.Sites[0].Job(d.JobId)!.State == JobStatus.FAILED);

        var read = (await w.ReadAsync(d))!;

        Assert.Equal("FAILED", read.State);
        Assert.Contains("out of memory", read.Outputs["problem"].AsString);
        Assert.Contains(w.Driver.Logs, l => l.Level == MessageSeverity.Warning && l.Message.Contains("FAILED") && l.Message.Contains("out of memory"));
        Assert.Equal(["state"], await w.DiffChanges(read, w.Job(extra: ("arguments", PropertyValue.Of([S("--doomed")])))));
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

    /// <summary>What `pulumi import` is given: the site, and what Flink does not report (topics, jar, entry class).</summary>
    private static string ImportId(FlinkSites w, string jobId, string? extra = null) =>
        $"site0/{jobId}?tier=fog&spe=flink:{w.Sites[0].BaseUrl}&broker=mqtt://127.0.0.1:1883" +
        (extra ?? $"&source=in&sink=out&jarPath={Uri.EscapeDataString(w.Jar())}&entryClass={FlinkSites.V1}");

    [Fact]
    public async Task An_import_by_id_alone_records_the_programs_inputs_without_touching_the_job_and_later_changes_are_deployed()
    {
        await using var w = await FlinkSites.StartAsync();
        var original = await w.CreateAsync("orig", w.Job());
        // A fresh provider that has seen no SpeSite, as under `pulumi import` (which runs no program).
        var adopter = new ResourceDriver();
        var handler = adopter.Handler(FlinkSites.Type);
        w.Sites[0].Requests.Clear();

        // The engine's import (docs/pulumi-engine.md §Import): Read with the ID alone, record Read's inputs and outputs,
        // then Check and Diff the program against them; a difference is an Update in the same `up`.
        var read = await handler.ReadAsync(adopter.Context(FlinkSites.Type, "adopted", ImportId(w, original.JobId)), PropertyMap.Empty, PropertyMap.Empty);
        Assert.NotNull(read);
        Assert.Equal(original.JobId, read.Outputs["jobId"].AsString);
        Assert.Equal("RUNNING", read.Outputs["state"].AsString);
        Assert.Equal(w.Jar(), read.Inputs["jarPath"].AsString);
        // Read's inputs wire the topic as the program would: the JSON string a Topic's `endpoint` output is.
        Assert.Equal("out", System.Text.Json.Nodes.JsonNode.Parse(read.Inputs["sink"].AsString)!["name"]!.GetValue<string>());
        var adoptedInputs = read.Outputs["adoptedInputs"].AsArray.Select(v => v.AsString).ToList();
        Assert.Contains("arguments", adoptedInputs);
        Assert.DoesNotContain("jarPath", adoptedInputs);
        // The generated program (Read's inputs) passes Check, as the CLI checks it (olds = news) and as it runs later.
        Assert.Empty((await handler.CheckAsync(adopter.Context(FlinkSites.Type, "adopted"), read.Inputs, read.Inputs)).Failures);
        Assert.Empty((await handler.CheckAsync(adopter.Context(FlinkSites.Type, "adopted"), PropertyMap.Empty, read.Inputs)).Failures);

        // Even a program that says just what Read returned is an update: it records the program's inputs, so that the
        // engine does not keep Read's for good and no later change goes unnoticed.
        var imported = new Deployed("adopted", read.Id, read.Inputs, read.Outputs);
        var same = await handler.DiffAsync(adopter.Context(FlinkSites.Type, "adopted", read.Id), read.Outputs, read.Inputs, read.Inputs, []);
        Assert.True(same.HasChanges);
        var diff = await w.DiffAsync(imported, w.Job());
        Assert.True(diff.HasChanges);
        Assert.DoesNotContain(diff.Detailed.Values, k => k.ToString().EndsWith("Replace"));
        var adopted = await w.UpdateAsync(imported, w.Job());
        // The job was left alone: the program is taken to describe it.
        Assert.Equal(original.JobId, adopted.JobId);
        Assert.Equal(JobStatus.RUNNING, Assert.Single(w.Sites[0].Jobs).State);
        Assert.DoesNotContain(w.Sites[0].Requests.Entries, r => r.Method != "GET");
        Assert.False(adopted.Outputs.TryGetValue("artifactSha256", out _)); // its code is the program's word, not known

        // From the recorded program inputs: no change for the same program; a change is seen and deployed from a savepoint.
        Assert.Empty(await w.DiffChanges(adopted, w.Job()));
        var later = w.Job(extra: ("arguments", PropertyValue.Of([S("--faster")])));
        Assert.Equal(["arguments"], await w.DiffChanges(adopted, later));
        var upgraded = await w.UpdateAsync(adopted, later);
        var job = w.Sites[0].Job(upgraded.JobId)!;
        Assert.Equal(Assert.Single(w.Sites[0].Job(original.JobId)!.Savepoints), job.RestoredFrom);
        Assert.Equal("--faster", job.ProgramArgs[^1]);
        Assert.False(upgraded.Outputs.TryGetValue("adoptedInputs", out _));
        Assert.Empty(await w.DiffChanges(upgraded, later));
    }

    [Fact]
    public async Task An_import_whose_program_moves_the_job_redeploys_it_on_the_new_site()
    {
        await using var w = await FlinkSites.StartAsync(2);
        var original = await w.CreateAsync("orig", w.Job());
        var read = (await w.Handler.ReadAsync(w.Ctx("adopted", ImportId(w, original.JobId)), PropertyMap.Empty, PropertyMap.Empty))!;
        var imported = new Deployed("adopted", read.Id, read.Inputs, read.Outputs);

        var moved = await w.UpdateAsync(imported, w.Job(site: 1));

        Assert.Equal(Assert.Single(w.Sites[0].Job(original.JobId)!.Savepoints), w.Sites[1].Job(moved.JobId)!.RestoredFrom);
        Assert.Equal(JobStatus.RUNNING, w.Sites[1].Job(moved.JobId)!.State);
    }

    [Fact]
    public async Task Import_ids_carry_the_site_and_what_flink_does_not_report()
    {
        await using var w = await FlinkSites.StartAsync();
        var original = await w.CreateAsync("orig", w.Job());
        var adopter = new ResourceDriver();
        var handler = adopter.Handler(FlinkSites.Type);
        Task<ReadOutcome?> Read(string id) => handler.ReadAsync(adopter.Context(FlinkSites.Type, "x", id), PropertyMap.Empty, PropertyMap.Empty);

        var bare = await Assert.ThrowsAsync<ProviderException>(() => Read($"site0/{original.JobId}"));
        Assert.Equal(FailureKind.InvalidInput, bare.Kind);
        Assert.Contains("?tier=", bare.Message);
        var noJar = await Assert.ThrowsAsync<ProviderException>(() => Read(ImportId(w, original.JobId, "&source=in&sink=out")));
        Assert.Contains("jarPath", noJar.Message);
        Assert.Contains("artifact", noJar.Message);
        var noTopics = await Assert.ThrowsAsync<ProviderException>(() => Read(ImportId(w, original.JobId, $"&jarPath={w.Jar()}")));
        Assert.Contains("source=", noTopics.Message);
        var notFlink = await Assert.ThrowsAsync<ProviderException>(() => Read(ImportId(w, "not-a-job")));
        Assert.Equal(FailureKind.InvalidInput, notFlink.Kind);
        Assert.Contains("is not a Flink job ID (32 hex digits)", notFlink.Message);
        Assert.Null(await Read(ImportId(w, "0123456789abcdef0123456789abcdef")));
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++) await Task.Delay(25);
        Assert.True(condition());
    }
}

using Speck.FlinkStandIn.Control;
using Speck.FlinkStandIn.Jobs;
using Speck.Host.Resources;
using Speck.Host.Values;
using static Speck.Tests.Provider.Resources.ResourceDriver;

namespace Speck.Tests.Provider.Resources.StreamJob;

public sealed class StreamJobLifecycleTests
{
    [Fact]
    public async Task Create_runs_the_job_with_the_argument_convention_and_reports_it()
    {
        await using var w = await FlinkSites.StartAsync();
        var d = await w.CreateAsync("filter", w.Job(extra: ("arguments", PropertyValue.Of([S("--window"), S("10")]))));

        Assert.Equal("RUNNING", d.State);
        Assert.Equal($"site0/{d.JobId}", d.Id);
        Assert.Equal(1, d.Outputs["generation"].AsNumber);
        Assert.Equal("site0", d.Outputs["siteName"].AsString);
        Assert.True(d.Outputs["startTime"].AsNumber > 0);
        var job = Assert.Single(w.Sites[0].Jobs);
        Assert.Equal(d.JobId, job.JobId);
        Assert.Equal(JobStatus.RUNNING, job.State);
        Assert.Equal(Path.GetFileName(Assert.Single(Directory.GetFiles(w.Sites[0].UploadDirectory))), job.JarId);
        Assert.Equal(FlinkSites.V1, job.EntryClass);
        Assert.Equal(["mqtt://127.0.0.1:1883", "in", "mqtt://127.0.0.1:1883", "out", "--window", "10"], job.ProgramArgs);
        Assert.StartsWith("speck-", job.JarId[(job.JarId.IndexOf('_') + 1)..]);
        // The outputs repeat the inputs (what runs; site, sources and sink as the strings they are wired as) and add
        // what the provider learned.
        var outputs = WiredStrings.Expand(w.Handler.Outputs, d.Outputs);
        Assert.Equal(PropertyKind.String, d.Outputs["sink"].Kind);
        foreach (var input in d.Inputs) Assert.Equal(input.Value, outputs[input.Key]);
        Assert.Equal(["artifactSha256", "generation", "jobId", "siteName", "startTime", "state"], d.Outputs.Keys.Except(d.Inputs.Keys).Order());
    }

    [Fact]
    public async Task An_argument_template_places_sources_and_sink_where_the_program_wants_them()
    {
        await using var w = await FlinkSites.StartAsync();
        var template = PropertyValue.Of([S("--in={sources[1].broker}/{sources[1].topic}"), S("--out={sink.topic}"), S("--site={site}")]);
        await w.CreateAsync("t", w.Job(extra: [
            ("sources", PropertyValue.Of([FlinkSites.Topic(0, "a"), FlinkSites.Topic(0, "b")])),
            ("argumentTemplate", template), ("arguments", PropertyValue.Of([S("x")]))]));

        Assert.Equal(["--in=mqtt://127.0.0.1:1883/b", "--out=out", "--site=site0", "x"], Assert.Single(w.Sites[0].Jobs).ProgramArgs);
    }

    [Fact]
    public async Task Check_names_bad_template_placeholders_and_missing_jars()
    {
        await using var w = await FlinkSites.StartAsync();
        var bad = w.Job(extra: [("argumentTemplate", PropertyValue.Of([S("{source.topic}"), S("{sources[3].topic}"), S("{nope}")])),
            ("jarPath", S("/does/not/exist.jar"))]);
        var r = await w.Handler.CheckAsync(w.Ctx("bad"), PropertyMap.Empty, bad);

        Assert.Contains(r.Failures, f => f.Property == "argumentTemplate[1]" && f.Reason.Contains("1 given"));
        Assert.Contains(r.Failures, f => f.Property == "argumentTemplate[2]" && f.Reason.Contains("{nope}"));
        Assert.Contains(r.Failures, f => f.Property == "jarPath" && f.Reason.Contains("/does/not/exist.jar"));
        Assert.DoesNotContain(r.Failures, f => f.Property == "argumentTemplate[0]");
    }

    [Fact]
    public async Task A_retried_create_finds_the_job_it_started_instead_of_starting_a_second()
    {
        await using var w = await FlinkSites.StartAsync();
        var first = await w.CreateAsync("retry", w.Job());
        // The provider died before Pulumi recorded the result: the engine calls Create again for the same URN.
        var second = await w.CreateAsync("retry", w.Job());

        Assert.Equal(first.JobId, second.JobId);
        Assert.Single(w.Sites[0].Jobs);
        Assert.Single(w.Sites[0].Requests.Matching("POST", "/jars/*/run"));
        Assert.Single(w.Sites[0].Requests.Matching("POST", "/jars/upload"));
    }

    [Fact]
    public async Task A_job_that_fails_after_start_is_an_init_failure_carrying_its_id_and_state()
    {
        await using var w = await FlinkSites.StartAsync();
        w.Sites[0].FailJobs(new JobFailureRule(FlinkSites.V1, null, TimeSpan.Zero));
        var inputs = await w.CheckAsync("sick", w.Job(extra: ("readinessSeconds", PropertyValue.Of(1))));

        var e = await Assert.ThrowsAsync<InitFailure>(() => w.Handler.CreateAsync(w.Ctx("sick"), inputs));

        var job = Assert.Single(w.Sites[0].Jobs);
        Assert.Equal($"site0/{job.JobId}", e.Id);
        Assert.Equal(job.JobId, e.Properties["jobId"].AsString);
        Assert.Equal("FAILED", e.Properties["state"].AsString);
        Assert.Contains("Injected failure", e.Reasons[0]);
    }

    [Fact]
    public async Task A_job_that_gets_no_slots_in_time_is_an_init_failure_too()
    {
        await using var w = await FlinkSites.StartAsync();
        w.Sites[0].TaskSlots = 1;
        var d = await w.CreateAsync("big", w.Job(extra: ("parallelism", PropertyValue.Of(1))));
        var inputs = await w.CheckAsync("starved", w.Job(extra: ("parallelism", PropertyValue.Of(2))));

        var e = await Assert.ThrowsAsync<InitFailure>(() => w.Handler.CreateAsync(w.Ctx("starved", timeout: TimeSpan.FromSeconds(1)), inputs));

        // Flink calls a job RUNNING while its tasks wait for slots; the provider looks at the tasks.
        Assert.Contains("wait for task slots", e.Reasons[0]);
        Assert.Contains("wait for task slots", e.Properties["problem"].AsString);
        Assert.Equal(2, w.Sites[0].Jobs.Count);
        Assert.Equal("RUNNING", d.State);
    }

    [Fact]
    public async Task Delete_cancels_the_job_and_removes_its_jar()
    {
        await using var w = await FlinkSites.StartAsync();
        var d = await w.CreateAsync("gone", w.Job());
        await w.DeleteAsync(d);

        Assert.Equal(JobStatus.CANCELED, Assert.Single(w.Sites[0].Jobs).State);
        Assert.Empty(Directory.GetFiles(w.Sites[0].UploadDirectory));
        Assert.Single(w.Sites[0].Requests.Matching("DELETE", "/jars/*"));
    }

    [Fact]
    public async Task Delete_with_savepoint_stops_the_job_and_logs_where_the_savepoint_is()
    {
        await using var w = await FlinkSites.StartAsync();
        var d = await w.CreateAsync("keep", w.Job(extra: ("savepointOnDelete", PropertyValue.True)));
        await w.DeleteAsync(d);

        var job = Assert.Single(w.Sites[0].Jobs);
        Assert.Equal(JobStatus.FINISHED, job.State);
        var savepoint = Assert.Single(job.Savepoints);
        Assert.StartsWith($"file:{w.SavepointDir}/savepoint-", savepoint);
        Assert.Contains(w.Driver.Logs, l => l.Level == MessageSeverity.Info && l.Message.Contains(savepoint));
    }

    [Fact]
    public async Task A_jar_is_uploaded_once_per_site_and_content_and_deleted_when_no_job_uses_it()
    {
        await using var w = await FlinkSites.StartAsync();
        var a = await w.CreateAsync("a", w.Job());
        var b = await w.CreateAsync("b", w.Job());

        Assert.Single(w.Sites[0].Requests.Matching("POST", "/jars/upload"));
        Assert.Equal(w.Sites[0].Job(a.JobId)!.JarId, w.Sites[0].Job(b.JobId)!.JarId);
        await w.DeleteAsync(a);
        Assert.Single(Directory.GetFiles(w.Sites[0].UploadDirectory));
        await w.DeleteAsync(b);
        Assert.Empty(Directory.GetFiles(w.Sites[0].UploadDirectory));
    }
}

public sealed class StreamJobArtifactTests
{
    private static PropertyValue Asset(string path) => PropertyValue.Of(new AssetValue(
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))), null, path, null));

    [Fact]
    public async Task A_file_asset_is_the_jar_and_a_new_build_of_it_is_an_update()
    {
        await using var w = await FlinkSites.StartAsync();
        var v1 = w.Job().Without("jarPath").With("artifact", Asset(w.Jar()));
        var d = await w.CreateAsync("asset", v1);

        Assert.Equal(PropertyKind.Asset, d.Inputs["artifact"].Kind);
        Assert.Equal(d.Inputs["artifact"].AsAsset.Hash, d.Outputs["artifactSha256"].AsString);
        Assert.Empty(await w.DiffChanges(d, v1));
        var v2 = w.Job().Without("jarPath").With("artifact", Asset(w.Jar(version: 2)));
        var diff = await w.DiffAsync(d, v2);
        Assert.Equal(DiffKind.Update, diff.Detailed["artifact"]);
    }

    [Fact]
    public async Task Check_wants_exactly_one_jar_and_no_text_asset()
    {
        await using var w = await FlinkSites.StartAsync();
        var both = w.Job().With("artifact", Asset(w.Jar()));
        var none = w.Job().Without("jarPath");
        var text = w.Job().Without("jarPath").With("artifact", PropertyValue.Of(new AssetValue("00", "not a jar", null, null)));

        Assert.Contains((await w.Handler.CheckAsync(w.Ctx("j"), PropertyMap.Empty, both)).Failures, f => f.Property == "jarPath");
        Assert.Contains((await w.Handler.CheckAsync(w.Ctx("j"), PropertyMap.Empty, none)).Failures, f => f.Property == "artifact");
        Assert.Contains((await w.Handler.CheckAsync(w.Ctx("j"), PropertyMap.Empty, text)).Failures, f => f.Property == "artifact" && f.Reason.Contains("file asset"));
    }
}

public sealed class StreamJobOnKafkaTests
{
    private static PropertyValue KafkaTopic(string name, string url) => Obj(
        ("siteName", S("k1")), ("name", S(name)), ("broker", Obj(("kind", S("kafka")), ("url", S(url)))));

    [Fact]
    public async Task A_job_on_kafka_topics_is_given_bootstrap_servers_and_topic_names_in_the_same_convention()
    {
        await using var w = await FlinkSites.StartAsync();
        await w.CreateAsync("k", w.Job(extra: [
            ("sources", PropertyValue.Of([KafkaTopic("cars.raw", "kafka://10.1.0.1:9092,10.1.0.2:9092"), KafkaTopic("cars.extra", "10.1.0.3:9092")])),
            ("sink", KafkaTopic("cars.clean", "kafka://10.1.0.1:9092"))]));

        Assert.Equal(["10.1.0.1:9092,10.1.0.2:9092", "cars.raw", "10.1.0.1:9092", "cars.clean", "10.1.0.3:9092", "cars.extra"],
            Assert.Single(w.Sites[0].Jobs).ProgramArgs);
    }
}

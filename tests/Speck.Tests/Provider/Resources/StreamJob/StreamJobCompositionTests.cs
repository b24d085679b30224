using Speck.Host.Resources;
using Speck.Host.Values;
using Speck.Provider.Model;
using Speck.Provider.Resources;
using static Speck.Tests.Provider.Resources.ResourceDriver;

namespace Speck.Tests.Provider.Resources.StreamJob;

public sealed class StreamJobCompositionTests
{
    private static PropertyMap Reads(FlinkSites w, string from, string to) =>
        w.Job(extra: [("sources", PropertyValue.Of([FlinkSites.Topic(0, from)])), ("sink", FlinkSites.Topic(0, to))]);

    private static List<string> Warnings(FlinkSites w, string name) =>
        w.Driver.Logs.Where(l => l.Level == MessageSeverity.Warning && l.Urn!.EndsWith("::" + name)).Select(l => l.Message).ToList();

    [Fact]
    public async Task Check_warns_at_the_job_that_closes_a_cycle_and_names_the_path()
    {
        await using var w = await FlinkSites.StartAsync();
        await w.CheckAsync("a", Reads(w, "raw", "clean"));
        await w.CheckAsync("b", Reads(w, "clean", "merged"));
        Assert.Empty(Warnings(w, "a").Concat(Warnings(w, "b")));

        await w.CheckAsync("c", Reads(w, "merged", "raw"));

        var warning = Assert.Single(Warnings(w, "c"));
        Assert.Equal("the job graph has a cycle: c → topic 'raw' → a → topic 'clean' → b → topic 'merged' → c", warning);
        // Checking c again with a sink that breaks the loop clears it.
        w.Driver.Logs.Clear();
        await w.CheckAsync("c", Reads(w, "merged", "stats"));
        Assert.Empty(Warnings(w, "c"));
    }

    [Fact]
    public async Task Check_warns_when_a_remote_engine_would_read_a_loopback_broker()
    {
        await using var w = await FlinkSites.StartAsync();
        var remote = Obj(("siteName", S("cloud")), ("tier", S("cloud")),
            ("spe", Obj(("kind", S("flink")), ("url", S("http://flink.cloud.example:8081")))),
            ("broker", Obj(("kind", S("mqtt")), ("url", S("mqtt://broker.cloud.example:1883")))));

        await w.CheckAsync("far", w.Job().With("site", remote));

        var warnings = Warnings(w, "far");
        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, m => m.Contains("topic 'in'") && m.Contains("site 'cloud'") && m.Contains("cannot reach"));
        await w.CheckAsync("near", w.Job());
        Assert.Empty(Warnings(w, "near"));
    }
}

public sealed class StreamJobCheckTests
{
    [Fact]
    public async Task Check_names_each_bad_property_once()
    {
        await using var w = await FlinkSites.StartAsync();
        var bad = w.Job(extra: [("jarPath", PropertyValue.Of(3)), ("parallelism", PropertyValue.Of(0)), ("sources", PropertyValue.Of(Array.Empty<PropertyValue>()))]);

        var failures = (await w.Handler.CheckAsync(w.Ctx("bad"), PropertyMap.Empty, bad)).Failures;

        Assert.Single(failures, f => f.Property == "jarPath");
        Assert.Single(failures, f => f.Property == "parallelism");
        Assert.Single(failures, f => f.Property == "sources" && f.Reason.Contains("at least one"));
        Assert.DoesNotContain(failures, f => f.Property == "artifact");
    }
}

/// <summary>
/// The cycle check runs at every job's Check, in preview and update alike, so over a wide program its cost per job
/// must not grow with the jobs checked before (issue 11: 1,000 jobs). It walks only what the job's output reaches.
/// </summary>
public sealed class StreamJobCompositionScaleTests
{
    private static readonly BrokerEndpoint Broker = new() { Kind = BrokerKind.Mqtt, Url = "mqtt://127.0.0.1:1883" };
    private static readonly SiteConnection Site = new()
    {
        SiteName = "edge", Tier = Tier.Edge,
        Spe = new SpeEndpoint { Kind = SpeKind.Flink, Url = "http://127.0.0.1:8081" }, Broker = Broker,
    };

    private static TopicEndpoint Topic(int i) => new() { SiteName = "edge", Broker = Broker, Name = $"t{i}" };

    private static StreamJobArgs Job(int i) => new() { Site = Site, JarPath = "/x.jar", Sources = [Topic(i)], Sink = Topic(i + 1) };

    [Fact]
    public void Checking_a_long_chain_job_by_job_looks_at_no_more_jobs_than_the_next_one_in_it()
    {
        var composition = new StreamJobComposition();
        const int jobs = 2000;
        var mostExamined = 0;
        for (var i = 0; i < jobs; i++)
        {
            Assert.Empty(composition.Check($"urn:job{i}", $"job{i}", Job(i)));
            mostExamined = Math.Max(mostExamined, composition.LastCheckExamined);
        }
        // Job i writes topic i+1, which no job checked so far reads: nothing to walk, whatever came before
        // (it used to look at every job checked so far, at every check).
        Assert.Equal(0, mostExamined);

        // Closing the chain into a loop is still found, and the walk went through the chain once.
        var warning = Assert.Single(composition.Check("urn:closing", "closing", Job(jobs) with { Sink = Topic(0) }));
        Assert.StartsWith("the job graph has a cycle: closing → topic 't0' → job0 → topic 't1' → job1", warning);
        Assert.Equal(jobs + 1, composition.LastCheckExamined);
    }

    [Fact]
    public void A_job_checked_again_with_other_sources_no_longer_counts_as_a_reader_of_the_old_ones()
    {
        var composition = new StreamJobComposition();
        composition.Check("urn:a", "a", Job(0));                                   // t0 → a → t1
        composition.Check("urn:a", "a", Job(0) with { Sources = [Topic(7)] });      // t7 → a → t1
        Assert.Empty(composition.Check("urn:b", "b", Job(1) with { Sink = Topic(0) })); // t1 → b → t0: no loop now
        Assert.Single(composition.Check("urn:c", "c", Job(1) with { Sink = Topic(7) })); // t1 → c → t7 → a → t1
    }
}

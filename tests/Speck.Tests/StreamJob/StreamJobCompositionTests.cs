using Speck.Host.Resources;
using Speck.Host.Values;
using static Speck.Tests.Resources.ResourceDriver;

namespace Speck.Tests.StreamJob;

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

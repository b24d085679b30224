using Speck.Host.Values;
using Speck.Provider.Pipeline;

namespace Speck.Tests.Provider.Pipeline;

/// <summary>What a document becomes in children: names from the document's names and hosts, sites per host, settings and the address map applied.</summary>
[Trait("Category", "Unit")]
public sealed class PipelinePlanTests
{
    private static readonly Dictionary<string, string> Jars =
        Enumerable.Range(1, 4).ToDictionary(i => $"/usr/src/app/jars/test-{i}.jar", i => $"/jars/{i}.jar");

    private static PipelinePlan Plan(string document, PipelineArgs? args = null)
    {
        args ??= new PipelineArgs { Document = document, Jars = Jars };
        var (plan, failures) = PipelinePlan.Make("p", document, args);
        Assert.Empty(failures.Select(f => $"{f.Property}: {f.Reason}"));
        return plan!;
    }

    private static string Str(PropertyValue v) => v.Unwrapped.AsString;

    [Fact]
    public void Children_are_named_from_names_and_hosts_so_reordering_the_jobs_changes_none()
    {
        var listing = PipelineSites.Listing("1.1");
        var jobs = listing.Split("\n\n");
        var reversed = string.Join("\n\n", new[] { "jobs:\n" + jobs[3].TrimStart(), jobs[2], jobs[1], jobs[0]["jobs:\n".Length..].TrimEnd() + "\n" });
        var (one, two) = (Plan(listing), Plan(reversed));
        Assert.Equal(["p-A", "p-B", "p-C", "p-D"], one.Jobs.Select(j => j.ChildName).Order(StringComparer.Ordinal));
        Assert.Equal(one.Jobs.Select(j => j.ChildName).Order(), two.Jobs.Select(j => j.ChildName).Order());
        Assert.Equal(one.Topics.Select(t => t.ChildName).Order(), two.Topics.Select(t => t.ChildName).Order());
        Assert.Equal(one.Sites.Select(s => (s.ChildName, s.Inputs)), two.Sites.Select(s => (s.ChildName, s.Inputs)));
        Assert.Contains("p-T-C-filter@172.16.192.18:1883", one.Topics.Select(t => t.ChildName));
    }

    [Fact]
    public void Listing_1_2_makes_a_broker_only_site_and_an_engine_only_site()
    {
        var plan = Plan(PipelineSites.Listing("1.2"));
        var sites = plan.Sites.ToDictionary(s => s.Host);
        Assert.Equal((false, true), (sites["172.16.193.22"].HasEngine, sites["172.16.193.22"].HasBroker));
        Assert.Equal((true, false), (sites["172.16.177.20"].HasEngine, sites["172.16.177.20"].HasBroker));
        Assert.Null(sites["172.16.193.22"].Inputs.Get("spe"));
        Assert.Null(sites["172.16.177.20"].Inputs.Get("broker"));
        var d = plan.Jobs.Single(j => j.Job.Name == "D");
        Assert.Equal(("172.16.177.20", "172.16.193.22"), (d.SiteHost, d.Source.SiteHost));
    }

    [Fact]
    public void The_address_map_and_settings_give_the_sites_urls_kinds_tiers_and_secret_credentials()
    {
        var document = PipelineSites.Listing("1.1");
        var plan = Plan(document, new PipelineArgs
        {
            Document = document, Jars = Jars,
            AddressMap = new() { ["http://172.16.39.7:8081/"] = "http://127.0.0.1:9000", ["172.16.39.7:1883"] = "tcp://127.0.0.1:1884" },
            Engines = new() { ["172.16.39.7:8081"] = new PipelineEngine { Tier = Speck.Provider.Model.Tier.Edge, Token = "t0ken" } },
            Brokers = new() { ["tcp://172.16.39.7:1883"] = new PipelineBroker { Username = "u", Password = "pw", Labels = new() { ["rack"] = "1" } } },
        });
        var site = plan.Sites.Single(s => s.Host == "172.16.39.7").Inputs;
        var spe = site["spe"].AsObject;
        var broker = site["broker"].AsObject;
        Assert.Equal(("172.16.39.7", "edge", "flink", "http://127.0.0.1:9000"), (Str(site["siteName"]), Str(site["tier"]), Str(spe["kind"]), Str(spe["url"])));
        Assert.Equal(("mqtt", "mqtt://127.0.0.1:1884", "u"), (Str(broker["kind"]), Str(broker["url"]), Str(broker["username"])));
        Assert.True(spe["token"].IsSecret);
        Assert.True(broker["password"].IsSecret);
        Assert.Equal("1", Str(site["labels"].AsObject["rack"]));
        // Unmapped addresses are reached as written, MQTT's tcp:// read as mqtt://.
        var other = plan.Sites.Single(s => s.Host == "172.16.48.8").Inputs;
        Assert.Equal(("http://172.16.48.8:8081", "mqtt://172.16.48.8:1883", "fog"),
            (Str(other["spe"].AsObject["url"]), Str(other["broker"].AsObject["url"]), Str(other["tier"])));
    }

    [Fact]
    public void A_missing_jar_a_second_engine_on_a_host_and_a_bad_setting_key_are_named()
    {
        var document = PipelineSites.Listing("1.1").Replace("http://172.16.48.8:8081/", "http://172.16.39.7:8082/");
        var (plan, failures) = PipelinePlan.Make("p", document, new PipelineArgs
        {
            Document = document, Jars = Jars.Where(kv => !kv.Key.EndsWith("test-4.jar")).ToDictionary(),
            AddressMap = new() { ["not an address"] = "http://x" },
        });
        Assert.Null(plan);
        Assert.Equal([
            "addressMap.not an address: not an address: write it as in the document (`http://host:port/`, `tcp://host:port`) or as `host:port`",
            "document: jobs[1] (B).spe_address: host 172.16.39.7 already has the engine at http://172.16.39.7:8081/ (jobs[0] (A)); a site has one engine",
            "jars: no jar for job_path '/usr/src/app/jars/test-4.jar' (jobs[3] (D).job_path): give it in `jars`",
        ], failures.Select(f => $"{f.Property}: {f.Reason}"));
    }

    private static IReadOnlyList<string> Failures(string document, PipelineArgs args) =>
        PipelinePlan.Make("p", document, args).Failures.Select(f => $"{f.Property}: {f.Reason}").ToList();

    [Fact]
    public void A_loopback_broker_for_an_engine_on_another_host_is_named_by_job_and_field()
    {
        var document = PipelineSites.Listing("1.1").Replace(
            "  spe_address: http://172.16.48.8:8081/\n  source_broker: tcp://172.16.48.8:1883", "  spe_address: http://172.16.48.8:8081/\n  source_broker: tcp://127.0.0.1:1883");
        Assert.Contains("tcp://127.0.0.1:1883", document);
        var failures = Failures(document, new PipelineArgs { Document = document, Jars = Jars });
        Assert.Equal(["document: jobs[1] (B).source_broker: the broker tcp://127.0.0.1:1883/ is on loopback, which the engine at " +
            "http://172.16.48.8:8081/ (another host) reaches as its own machine, not this broker"], failures);
    }

    [Fact]
    public void An_address_map_that_gives_a_remote_engine_a_loopback_broker_fails_for_each_job_it_strands()
    {
        var document = PipelineSites.Listing("1.1");
        var failures = Failures(document, new PipelineArgs
        {
            Document = document, Jars = Jars, AddressMap = new() { ["tcp://172.16.192.18:1883"] = "tcp://127.0.0.1:1884" },
        });
        // A and B write to it, C reads from it; all three engines stay remote (not mapped).
        Assert.Equal(["jobs[0] (A).sink_broker", "jobs[1] (B).sink_broker", "jobs[2] (C).source_broker"],
            failures.Select(f => f["document: ".Length..f.IndexOf(": addressMap", StringComparison.Ordinal)]));
        Assert.All(failures, f => Assert.Contains("addressMap gives the broker tcp://172.16.192.18:1883/ as tcp://127.0.0.1:1884, on loopback", f));
        // Mapping the engines to this machine too makes every job reachable again.
        var local = Failures(document, new PipelineArgs
        {
            Document = document, Jars = Jars, AddressMap = new()
            {
                ["tcp://172.16.192.18:1883"] = "tcp://127.0.0.1:1884", ["http://172.16.39.7:8081/"] = "http://127.0.0.1:9001",
                ["http://172.16.48.8:8081/"] = "http://127.0.0.1:9002", ["http://172.16.192.18:8081/"] = "http://127.0.0.1:9003",
            },
        });
        Assert.Empty(local);
    }

    [Fact]
    public void Networks_an_engine_and_a_broker_do_not_share_fail_and_one_shared_network_is_enough()
    {
        var document = PipelineSites.Listing("1.1");
        PipelineArgs Args(params string[] cloudBrokerNetworks) => new()
        {
            Document = document, Jars = Jars,
            Engines = new() { ["http://172.16.192.18:8081/"] = new PipelineEngine { Networks = ["edge2-lan"] } },
            Brokers = new()
            {
                ["tcp://172.16.192.18:1883"] = new PipelineBroker { Networks = ["edge2-lan"] },
                ["tcp://172.16.177.7:1883"] = new PipelineBroker { Networks = [.. cloudBrokerNetworks] },
            },
        };
        Assert.Equal(["document: jobs[2] (C).sink_broker: the engine at http://172.16.192.18:8081/ is on the networks edge2-lan " +
            "(engines.172.16.192.18:8081.networks) and the broker tcp://172.16.177.7:1883/ on cloud-lan (brokers.172.16.177.7:1883.networks): " +
            "they share none, so the job cannot reach it"], Failures(document, Args("cloud-lan")));
        Assert.Empty(Failures(document, Args("cloud-lan", "edge2-lan")));
        // A broker that gives no networks is reachable by every engine.
        Assert.Empty(Failures(document, Args()));
    }
}

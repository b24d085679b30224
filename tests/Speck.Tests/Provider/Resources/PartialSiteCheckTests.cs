using Speck.Host.Values;
using static Speck.Tests.Provider.Resources.ResourceDriver;

namespace Speck.Tests.Provider.Resources;

/// <summary>
/// A site with only a broker or only an engine (SpecK's Listing 1.2 has both kinds): the site itself is fine, a topic
/// needs a site with a broker and a job a site with an engine, and each Check says which property is missing.
/// </summary>
[Trait("Category", "Unit")]
public sealed class PartialSiteCheckTests
{
    private readonly ResourceDriver _driver = new();

    private static readonly PropertyValue Engine = Obj(("kind", S("flink")), ("url", S("http://127.0.0.1:8081")));
    private static readonly PropertyValue Broker = Obj(("kind", S("mqtt")), ("url", S("mqtt://127.0.0.1:1883")));

    private async Task<List<string>> Failures(string type, PropertyMap news) =>
        (await _driver.Handler(type).CheckAsync(_driver.Context(type, "x"), PropertyMap.Empty, news)).Failures
            .Select(f => $"{f.Property}: {f.Reason}").ToList();

    [Fact]
    public async Task A_site_has_an_engine_a_broker_or_both_but_not_neither()
    {
        Assert.Empty(await Failures("speck:index:SpeSite", Map(("tier", S("fog")), ("broker", Broker))));
        Assert.Empty(await Failures("speck:index:SpeSite", Map(("tier", S("fog")), ("spe", Engine))));
        var neither = Assert.Single(await Failures("speck:index:SpeSite", Map(("tier", S("fog")))));
        Assert.StartsWith("spe: a site needs an engine", neither);
    }

    [Fact]
    public async Task A_topic_on_a_site_without_broker_and_a_job_on_a_site_without_engine_fail_naming_the_property()
    {
        var engineOnly = Obj(("siteName", S("engines")), ("tier", S("fog")), ("spe", Engine));
        var brokerOnly = Obj(("siteName", S("brokers")), ("tier", S("fog")), ("broker", Broker));
        Assert.Contains("site.broker: site 'engines' has no broker: a topic goes on a site with one",
            await Failures("speck:index:Topic", Map(("site", engineOnly), ("name", S("t")))));
        Assert.Empty(await Failures("speck:index:Topic", Map(("site", brokerOnly), ("name", S("t")))));

        var endpoint = Obj(("siteName", S("brokers")), ("broker", Broker), ("name", S("t")));
        PropertyMap Job(PropertyValue site) => Map(("site", site), ("jarPath", S("/tmp/x.jar")), ("sources", PropertyValue.Of([endpoint])), ("sink", endpoint));
        Assert.Contains("site.spe: site 'brokers' has no engine: a job runs on a site with one", await Failures("speck:index:StreamJob", Job(brokerOnly)));
        Assert.DoesNotContain(await Failures("speck:index:StreamJob", Job(engineOnly)), f => f.StartsWith("site", StringComparison.Ordinal));
    }
}

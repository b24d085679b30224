using Speck.Host.Values;
using Speck.Tests.Provider.Resources;
using static Speck.Tests.Provider.Resources.ResourceDriver;

namespace Speck.Tests.RoadTraffic;

/// <summary>Check of StreamJob's <c>nodeRed</c> processing: no engine is contacted.</summary>
[Trait("Category", "Unit")]
public class NodeRedStreamJobCheckTests
{
    private const string Type = "speck:index:StreamJob";
    private readonly ResourceDriver _driver = new();

    private static PropertyValue Site(string kind) => Obj(("siteName", S("edge1")), ("tier", S("edge")),
        ("spe", Obj(("kind", S(kind)), ("url", S("http://127.0.0.1:1880")))),
        ("broker", Obj(("kind", S("mqtt")), ("url", S("mqtt://127.0.0.1:1883")))));

    private static PropertyValue Topic(string name) => Obj(("siteName", S("edge1")), ("name", S(name)),
        ("broker", Obj(("kind", S("mqtt")), ("url", S("mqtt://127.0.0.1:1883")))));

    private static PropertyMap Job(string kind, params (string Key, PropertyValue Value)[] extra) =>
        Map([("site", Site(kind)), ("sources", PropertyValue.Of([Topic("traffic/raw")])), ("sink", Topic("traffic/clean")), .. extra]);

    private static PropertyValue Node(string id, string type, params string[] wires) =>
        Obj(("id", S(id)), ("type", S(type)), ("wires", PropertyValue.Of([PropertyValue.Of(wires.Select(S).ToArray())])));

    private async Task<IReadOnlyList<Speck.Host.Resources.CheckFailureInfo>> Failures(PropertyMap news) =>
        (await _driver.Handler(Type).CheckAsync(_driver.Context(Type, "j"), PropertyMap.Empty, news)).Failures;

    [Fact]
    public async Task A_function_job_on_a_nodered_site_passes_and_defaults_to_stateless()
    {
        var r = await _driver.Handler(Type).CheckAsync(_driver.Context(Type, "j"), PropertyMap.Empty,
            Job("nodered", ("nodeRed", Obj(("function", S("return msg;"))))));
        Assert.Empty(r.Failures);
        Assert.Equal("stateless", r.Inputs.Get("upgradeMode")!.AsString);
    }

    [Fact]
    public async Task While_the_site_is_unknown_in_preview_the_upgrade_mode_default_is_unknown_too()
    {
        var unknownSite = Job("nodered", ("nodeRed", Obj(("function", S("return msg;"))))).With("site", PropertyValue.Unknown);
        var r = await _driver.Handler(Type).CheckAsync(_driver.Context(Type, "j"), PropertyMap.Empty, unknownSite);
        Assert.Empty(r.Failures);
        Assert.True(r.Inputs.Get("upgradeMode")!.IsUnknown);

        var flink = await _driver.Handler(Type).CheckAsync(_driver.Context(Type, "j"), PropertyMap.Empty, Job("flink", ("jarPath", S("/dev/null"))));
        Assert.Null(flink.Inputs.Get("upgradeMode"));
    }

    [Fact]
    public async Task Nodes_wired_to_the_sink_pass_and_an_empty_list_is_a_forwarder()
    {
        Assert.Empty(await Failures(Job("nodered", ("nodeRed", Obj(("nodes", PropertyValue.Of([Node("a", "change", "sink")])))))));
        Assert.Empty(await Failures(Job("nodered", ("nodeRed", Obj(("nodes", PropertyValue.Of(Array.Empty<PropertyValue>())))))));
    }

    [Fact]
    public async Task A_nodered_site_refuses_the_flink_only_state_handling_naming_each_property()
    {
        var failures = await Failures(Job("nodered", ("nodeRed", Obj(("function", S("return msg;")))), ("upgradeMode", S("last-state")),
            ("flinkConfiguration", Obj(("execution.checkpointing.interval", S("10 s")))), ("initialSavepointPath", S("file:/sp/savepoint-1")),
            ("savepointTriggerNonce", S("1")), ("savepointRetention", Obj(("maxCount", PropertyValue.Of(2))))));
        Assert.Equal(["flinkConfiguration", "initialSavepointPath", "savepointRetention", "savepointTriggerNonce", "upgradeMode"],
            failures.Select(f => f.Property).Order());
        Assert.Contains(failures, f => f.Property == "upgradeMode" && f.Reason.Contains("last-state"));
        // The same inputs pass on a Flink site; restartNonce is for every engine.
        Assert.Empty(await Failures(Job("flink", ("jarPath", S("/dev/null")), ("upgradeMode", S("last-state")),
            ("flinkConfiguration", Obj(("execution.checkpointing.interval", S("10 s")))), ("initialSavepointPath", S("file:/sp/savepoint-1")),
            ("savepointTriggerNonce", S("1")), ("restartNonce", S("2")), ("savepointRetention", Obj(("maxCount", PropertyValue.Of(2)), ("maxAge", S("24 h")))))));
        Assert.Empty(await Failures(Job("nodered", ("nodeRed", Obj(("function", S("return msg;")))), ("restartNonce", S("2")))));
    }

    [Fact]
    public async Task A_savepoint_retention_needs_a_count_of_at_least_one_and_an_age_with_a_unit()
    {
        var failures = await Failures(Job("flink", ("jarPath", S("/dev/null")), ("savepointRetention", Obj(("maxCount", PropertyValue.Of(0)), ("maxAge", S("24"))))));
        Assert.Contains(failures, f => f.Property == "savepointRetention.maxCount");
        Assert.Contains(failures, f => f.Property == "savepointRetention.maxAge" && f.Reason.Contains("not a duration"));
    }

    [Fact]
    public async Task A_nodered_site_needs_exactly_one_kind_of_processing_and_no_jar()
    {
        Assert.Contains(await Failures(Job("nodered")), f => f.Property == "nodeRed" && f.Reason.Contains("needs its processing"));
        Assert.Contains(await Failures(Job("nodered", ("nodeRed", Obj(("function", S("return msg;")), ("nodes", PropertyValue.Of(Array.Empty<PropertyValue>())))))),
            f => f.Property == "nodeRed" && f.Reason.Contains("exactly one"));
        var withJar = await Failures(Job("nodered", ("nodeRed", Obj(("function", S("return msg;")))), ("jarPath", S("/tmp/job.jar")),
            ("upgradeMode", S("savepoint"))));
        Assert.Contains(withJar, f => f.Property == "jarPath" && f.Reason.Contains("no jar"));
        Assert.Contains(withJar, f => f.Property == "upgradeMode" && f.Reason.Contains("no savepoints"));
    }

    [Fact]
    public async Task A_flink_site_refuses_nodered_processing()
    {
        Assert.Contains(await Failures(Job("flink", ("nodeRed", Obj(("function", S("return msg;")))))),
            f => f.Property == "nodeRed" && f.Reason.Contains("Node-RED sites"));
    }

    [Fact]
    public async Task Nodes_that_cannot_be_wired_are_refused_in_check_with_the_node_named()
    {
        var dangling = await Failures(Job("nodered", ("nodeRed", Obj(("nodes", PropertyValue.Of([Node("a", "change", "nowhere")]))))));
        Assert.Contains(dangling, f => f.Property == "nodeRed.nodes" && f.Reason.Contains("'a' wires to unknown node"));
        var notObject = await Failures(Job("nodered", ("nodeRed", Obj(("nodes", PropertyValue.Of([S("change")]))))));
        Assert.Contains(notObject, f => f.Property == "nodeRed.nodes[0]");
    }
}

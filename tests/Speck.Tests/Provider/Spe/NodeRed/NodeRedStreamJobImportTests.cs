using Speck.Host.Resources;
using Speck.Host.Values;
using Speck.Provider.Spe.NodeRed;
using Speck.Tests.Provider.Brokers.Mqtt;
using Speck.Tests.Provider.Resources;
using static Speck.Tests.Provider.Resources.ResourceDriver;

namespace Speck.Tests.Provider.Spe.NodeRed;

/// <summary>
/// Import of a Node-RED StreamJob by <c>&lt;site&gt;/&lt;flow ID&gt;?tier=…&amp;spe=…&amp;broker=…</c> at the resource level, on a real Node-RED and
/// Mosquitto: one provider deploys the job, a fresh one (no state) reads it by ID as <c>pulumi import</c> would.
/// </summary>
public sealed class NodeRedStreamJobImportTests(NodeRedSiteFixture site) : IClassFixture<NodeRedSiteFixture>
{
    private const string Type = "speck:index:StreamJob";
    private const string Upper = "msg.payload = String(msg.payload).toUpperCase(); return msg;";

    private PropertyValue Site() => Obj(("siteName", S("edge")), ("tier", S("edge")),
        ("spe", Obj(("kind", S("nodered")), ("url", S(site.Engine.Url)))),
        ("broker", Obj(("kind", S("mqtt")), ("url", S(site.Broker.Url)))));

    private PropertyValue Topic(string name) => Obj(("siteName", S("edge")), ("name", S(name)),
        ("broker", Obj(("kind", S("mqtt")), ("url", S(site.Broker.Url)))));

    private PropertyMap Job(string inTopic, string outTopic) => Map(("site", Site()), ("sources", PropertyValue.Of([Topic(inTopic)])),
        ("sink", Topic(outTopic)), ("nodeRed", Obj(("function", S(Upper)))));

    private static ResourceContext Ctx(ResourceDriver driver, string name, string id = "") => new()
    {
        Urn = $"urn:pulumi:test::speck::{Type}::{name}", Name = name, Type = Type, Id = id,
        Timeout = NodeRedTest.ConnectTimeout, Log = driver.Context(Type, name).Log,
    };

    /// <summary>A fresh provider that has seen no SpeSite, as under `pulumi import` (which runs no program).</summary>
    private static ResourceDriver Adopter() => new();

    private string ImportId(string flowId) => $"edge/{flowId}?tier=edge&spe=nodered:{site.Engine.Url}&broker={site.Broker.Url}";

    [Fact]
    public async Task Import_by_flow_id_reads_the_running_job_and_records_the_program_that_describes_it_without_redeploying()
    {
        var (inTopic, outTopic) = (MqttTest.Unique("in"), MqttTest.Unique("out"));
        var owner = new ResourceDriver();
        var inputs = await owner.CheckAsync(Type, "job", Job(inTopic, outTopic));
        var created = await owner.Handler(Type).CreateAsync(Ctx(owner, "job"), inputs);
        var flowId = created.Outputs["jobId"].AsString;
        Assert.Equal($"edge/{flowId}", created.Id);
        var adopter = Adopter();

        var imported = await adopter.Handler(Type).ReadAsync(Ctx(adopter, "adopted", ImportId(flowId)), PropertyMap.Empty, PropertyMap.Empty);

        Assert.NotNull(imported);
        Assert.Equal(flowId, imported.Outputs["jobId"].AsString);
        Assert.Equal("RUNNING", imported.Outputs["state"].AsString);
        Assert.True(imported.Outputs.Get("problem") is null or { IsNull: true }, imported.Outputs.Get("problem")?.ToString());
        Assert.Equal(created.Outputs["startTime"], imported.Outputs["startTime"]);
        var adopted = imported.Outputs["adoptedInputs"].AsArray.Select(v => v.AsString).ToList();
        Assert.DoesNotContain("nodeRed", adopted);
        Assert.DoesNotContain("sources", adopted);
        Assert.DoesNotContain("sink", adopted);
        // What Read learned: the site (from the import ID); the sources, sink and function (from the flow's MQTT and
        // function nodes); Node-RED's only upgrade mode. The code `pulumi import` writes from them passes Check.
        Assert.Equal("edge", Unwired(imported.Inputs["site"])["siteName"].AsString);
        Assert.Equal(site.Engine.Url, Unwired(imported.Inputs["site"])["spe"].AsObject["url"].AsString);
        Assert.Equal("stateless", imported.Inputs["upgradeMode"].AsString);
        Assert.Equal(inTopic, Unwired(Assert.Single(imported.Inputs["sources"].AsArray))["name"].AsString);
        Assert.Equal(outTopic, Unwired(imported.Inputs["sink"])["name"].AsString);
        Assert.Equal(site.Broker.Url, Unwired(imported.Inputs["sink"])["broker"].AsObject["url"].AsString);
        Assert.Equal(Upper, imported.Inputs["nodeRed"].AsObject["function"].AsString);
        Assert.Empty((await adopter.Handler(Type).CheckAsync(Ctx(adopter, "adopted"), imported.Inputs, imported.Inputs)).Failures);
        Assert.Empty((await adopter.Handler(Type).CheckAsync(Ctx(adopter, "adopted"), PropertyMap.Empty, imported.Inputs)).Failures);

        // The engine records Read's inputs, then Checks and Diffs the program against them (docs/pulumi-engine.md
        // §Import): what Read could not learn shows as added, and the Update that follows records the program's inputs
        // without redeploying the flow.
        var program = await adopter.CheckAsync(Type, "adopted", Job(inTopic, outTopic));
        var diff = await adopter.Handler(Type).DiffAsync(Ctx(adopter, "adopted", imported.Id), imported.Outputs, imported.Inputs, program, []);
        Assert.True(diff.HasChanges);
        Assert.DoesNotContain(diff.Detailed.Values, k => k.ToString().EndsWith("Replace"));
        var recorded = await adopter.Handler(Type).UpdateAsync(Ctx(adopter, "adopted", imported.Id), imported.Outputs, imported.Inputs, program);
        Assert.Equal(flowId, recorded["jobId"].AsString);
        // The import's update clears what it adopted; the flow's code is now the program's word.
        Assert.False(recorded.ContainsKey("adoptedInputs"));
        Assert.False(recorded.ContainsKey("artifactSha256"));
        // Recorded with the program's inputs, later previews see no change, and a refresh finds the flow in sync.
        var again = await adopter.Handler(Type).DiffAsync(Ctx(adopter, "adopted", imported.Id), recorded, program, program, []);
        Assert.False(again.HasChanges, string.Join(", ", again.Detailed.Keys));
        var refreshed = await adopter.Handler(Type).ReadAsync(Ctx(adopter, "adopted", imported.Id), recorded, program);
        Assert.Equal("RUNNING", refreshed!.Outputs["state"].AsString);
        Assert.True(refreshed.Outputs.Get("problem") is null or { IsNull: true }, refreshed.Outputs.Get("problem")?.ToString());

        // The job still runs as it did: data flows through the one flow, untouched by the import.
        var (sink, received) = await NodeRedTest.SinkAsync(site.Broker, outTopic);
        using var publisher = await MqttTest.ConnectAsync(site.Broker);
        using (sink)
            Assert.True(await NodeRedTest.FlowsThroughAsync(publisher, inTopic, "adopted", received, "ADOPTED"));
        Assert.Equal(NodeRedFlowState.InSync, (await site.Jobs().ReadAsync(flowId, null, CancellationToken.None)).State);

        // The adopter now owns the job: its delete removes the flow.
        await adopter.Handler(Type).DeleteAsync(Ctx(adopter, "adopted", imported.Id), recorded, program);
        Assert.Null(await site.Client().GetFlowAsync(flowId, CancellationToken.None));
    }

    [Fact]
    public async Task An_unknown_flow_id_does_not_exist_and_global_is_not_a_job()
    {
        var adopter = Adopter();

        Assert.Null(await adopter.Handler(Type).ReadAsync(Ctx(adopter, "a", ImportId("0123456789abcdef")), PropertyMap.Empty, PropertyMap.Empty));
        Assert.Null(await adopter.Handler(Type).ReadAsync(Ctx(adopter, "b", ImportId("no such flow")), PropertyMap.Empty, PropertyMap.Empty));
        // `GET /flow/global` answers with the engine's global configuration (docs/nodered.md §Global config nodes),
        // which is no job.
        Assert.Null(await adopter.Handler(Type).ReadAsync(Ctx(adopter, "c", ImportId("global")), PropertyMap.Empty, PropertyMap.Empty));
    }

    [Fact]
    public async Task An_update_after_a_rename_leaves_one_flow_doing_the_job()
    {
        var (inTopic, outTopic) = (MqttTest.Unique("in"), MqttTest.Unique("out"));
        var driver = new ResourceDriver();
        var inputs = await driver.CheckAsync(Type, "job", Job(inTopic, outTopic));
        var created = await driver.Handler(Type).CreateAsync(Ctx(driver, "job"), inputs);
        var oldFlow = created.Outputs["jobId"].AsString;

        // Renamed with an alias: the same resource (same ID and state) under another URN, then changed.
        var news = await driver.CheckAsync(Type, "renamed",
            Job(inTopic, outTopic).With("nodeRed", Obj(("function", S("msg.payload = 'v2:' + msg.payload; return msg;")))));
        var outputs = await driver.Handler(Type).UpdateAsync(Ctx(driver, "renamed", created.Id), created.Outputs, inputs, news);

        var newFlow = outputs["jobId"].AsString;
        Assert.NotEqual(oldFlow, newFlow);
        Assert.Null(await site.Client().GetFlowAsync(oldFlow, CancellationToken.None));
        Assert.Equal(1, (await site.Client().GetFlowsAsync(CancellationToken.None)).OfType<System.Text.Json.Nodes.JsonObject>()
            .Count(n => n["type"]?.GetValue<string>() == "mqtt in" && n["topic"]?.GetValue<string>() == inTopic));
        var (sink, received) = await NodeRedTest.SinkAsync(site.Broker, outTopic);
        using var publisher = await MqttTest.ConnectAsync(site.Broker);
        using (sink)
            Assert.True(await NodeRedTest.FlowsThroughAsync(publisher, inTopic, "x", received, "v2:x"));

        await driver.Handler(Type).DeleteAsync(Ctx(driver, "renamed", created.Id), outputs, news);
        Assert.Null(await site.Client().GetFlowAsync(newFlow, CancellationToken.None));
    }
}

using System.Text.Json.Nodes;
using Speck.Provider.Brokers.Mqtt;
using Speck.Provider.Spe.NodeRed;

namespace Speck.Tests.Provider.Spe.NodeRed;

[Trait("Category", "Unit")]
public sealed class NodeRedFlowBuilderTests
{
    private static readonly MqttEndpoint Edge = MqttUrl.Parse("mqtt://127.0.0.1:1883");
    private static readonly MqttEndpoint Cloud = MqttUrl.Parse("mqtt://127.0.0.1:1884", new MqttCredentials("job", "pw"));

    private static readonly HashSet<string> CoreTypes =
        ["mqtt in", "mqtt out", "mqtt-broker", "tls-config", "function", "status", "catch", "change", "switch", "debug"];

    private static NodeRedJobSpec Job(string key = "urn:pulumi:dev::p::speck:index:StreamJob::clean") => new()
    {
        JobKey = key,
        Name = "clean",
        FunctionBody = "return msg;",
        Sources = [new NodeRedMqttTopic(Edge, "raw/a"), new NodeRedMqttTopic(Edge, "raw/b")],
        Sink = new NodeRedMqttTopic(Cloud, "clean"),
    };

    private static IEnumerable<JsonObject> All(NodeRedFlow f) => NodeRedFlowHash.AllNodes(f.Body);

    private static JsonObject ById(NodeRedFlow f, string suffix) => All(f).Single(n => (string)n["id"]! == f.Prefix + suffix);

    [Fact]
    public void Ids_derive_from_the_job_key_only()
    {
        var a = NodeRedFlowBuilder.Build(Job());
        var again = NodeRedFlowBuilder.Build(Job() with { FunctionBody = "return null;", Name = "renamed" });
        var other = NodeRedFlowBuilder.Build(Job("urn:pulumi:dev::p::speck:index:StreamJob::other"));

        Assert.Equal(a.NodeIds, again.NodeIds);
        Assert.All(a.NodeIds, id => Assert.StartsWith(a.Prefix + "-", id));
        Assert.Empty(a.NodeIds.Intersect(other.NodeIds));
        Assert.Equal(a.Hash, NodeRedFlowBuilder.Build(Job()).Hash);
        Assert.NotEqual(a.Hash, again.Hash);
        NodeRedFlowValidator.Validate(a.Body, CoreTypes);
    }

    [Fact]
    public void Each_broker_gets_one_persistent_config_node_inside_the_flow()
    {
        var f = NodeRedFlowBuilder.Build(Job());
        var brokers = All(f).Where(n => (string)n["type"]! == "mqtt-broker").ToList();

        Assert.Equal(2, brokers.Count); // two sources share the edge broker; the sink has its own
        Assert.All(brokers, b =>
        {
            Assert.False((bool)b["cleansession"]!);
            Assert.False((bool)b["autoUnsubscribe"]!);
            Assert.StartsWith(f.Prefix, (string)b["clientid"]!);
            Assert.NotEqual((string)b["id"]!, (string)b["clientid"]!);
        });
        Assert.Equal("1", (string)ById(f, "-in0")["qos"]!);
        Assert.Equal("1", (string)ById(f, "-out")["qos"]!);
        Assert.Equal((string)ById(f, "-in0")["broker"]!, (string)ById(f, "-in1")["broker"]!);
        var sinkBroker = All(f).Single(n => n["id"]!.GetValue<string>() == (string)ById(f, "-out")["broker"]!);
        Assert.Equal("pw", (string)sinkBroker["credentials"]!["password"]!);
        Assert.Equal(["-in0", "-in1", "-out"], f.MqttNodes.Keys.Select(k => k[f.Prefix.Length..]).Order());
    }

    [Fact]
    public void Hash_ignores_what_node_red_adds_or_hides_and_sees_edits()
    {
        var f = NodeRedFlowBuilder.Build(Job());
        // As GET /flow returns it: z on every node, credentials stripped, flow nodes and configs as sent.
        var live = (JsonObject)f.Body.DeepClone();
        live["id"] = "4f3df62c9c66229b";
        foreach (var n in NodeRedFlowHash.AllNodes(live))
        {
            n["z"] = "4f3df62c9c66229b";
            n.Remove("credentials");
        }

        Assert.Equal(f.Hash, NodeRedFlowHash.Of(live));
        live["disabled"] = true;
        Assert.NotEqual(f.Hash, NodeRedFlowHash.Of(live));
    }

    [Fact]
    public void Differences_name_the_nodes_edited_removed_or_added_by_hand()
    {
        var f = NodeRedFlowBuilder.Build(Job());
        var live = (JsonObject)f.Body.DeepClone();
        var nodes = live["nodes"]!.AsArray();
        ((JsonObject)nodes.Single(n => (string)n!["id"]! == f.Prefix + "-fn")!)["func"] = "return null;";
        nodes.Remove(nodes.Single(n => (string)n!["id"]! == f.Prefix + "-in1"));
        nodes.Add((JsonNode)new JsonObject { ["id"] = "dbg", ["type"] = "debug", ["z"] = "t", ["wires"] = new JsonArray() });
        foreach (var n in NodeRedFlowHash.AllNodes(live)) n["z"] = "t";
        live["disabled"] = true;

        string[] expected = ["flow disabled", $"node '{f.Prefix}-in1' (mqtt in) missing", $"node '{f.Prefix}-fn' (function) changed", "node 'dbg' (debug) added"];
        Assert.Equal(expected.Order(), NodeRedFlowHash.Differences(f.Body, live).Order());
        Assert.Empty(NodeRedFlowHash.Differences(f.Body, f.Body));
    }

    [Fact]
    public void User_nodes_are_namespaced_and_wired_between_sources_and_sink()
    {
        var f = NodeRedFlowBuilder.Build(Job() with
        {
            FunctionBody = null,
            Nodes = NodeRedTest.Nodes("""
                [ {"id":"check","type":"switch","property":"payload","rules":[],"wires":[["fmt"],["sink"]]},
                  {"id":"fmt","type":"change","rules":[],"wires":[["sink"]]} ]
                """),
        });

        Assert.Equal(f.Prefix + "-u-check", (string)ById(f, "-in0")["wires"]![0]![0]!);
        var check = ById(f, "-u-check");
        Assert.Equal(f.Prefix + "-u-fmt", (string)check["wires"]![0]![0]!);
        Assert.Equal(f.Prefix + "-out", (string)check["wires"]![1]![0]!);
        Assert.NotNull(check["x"]);
        NodeRedFlowValidator.Validate(f.Body, CoreTypes);
    }

    [Theory]
    [InlineData("""[{"type":"change","wires":[]}]""", "has no id")]
    [InlineData("""[{"id":"a","type":"change","wires":[]},{"id":"a","type":"change","wires":[]}]""", "node 'a' appears twice")]
    [InlineData("""[{"id":"a","type":"change","wires":[["nowhere"]]}]""", "node 'a' wires to unknown node '\"nowhere\"'")]
    [InlineData("""[{"id":"sink","type":"change","wires":[]}]""", "reserved")]
    [InlineData("""[42]""", "nodes[0] is not an object")]
    public void User_nodes_that_cannot_be_wired_are_refused_naming_the_node(string nodes, string expected)
    {
        var e = Assert.Throws<NodeRedFlowInvalidException>(() => NodeRedFlowBuilder.Build(Job() with { FunctionBody = null, Nodes = NodeRedTest.Nodes(nodes) }));
        Assert.Contains(e.Problems, p => p.Contains(expected));
    }

    [Fact]
    public void Bad_topics_and_payload_types_are_refused_naming_the_property()
    {
        var e = Assert.Throws<NodeRedFlowInvalidException>(() => NodeRedFlowBuilder.Build(Job() with
        {
            Sources = [new NodeRedMqttTopic(Edge, "ok/+"), new NodeRedMqttTopic(Edge, "bad/#/x")],
            Sink = new NodeRedMqttTopic(Cloud, "out/+"),
            PayloadType = "xml",
        }));
        Assert.Equal(3, e.Problems.Count);
        Assert.StartsWith("sources[1]: ", e.Problems[0]);
        Assert.StartsWith("sink: topic name contains the wildcard '+'", e.Problems[1]);
        Assert.StartsWith("payload type 'xml'", e.Problems[2]);
    }

    [Fact]
    public void Validator_names_each_problem()
    {
        Assert.Contains("'nodes' must be an array", NodeRedFlowValidator.Problems(new JsonObject { ["nodes"] = "notarray" }, CoreTypes));
        Assert.Contains("'nodes' must be an array", NodeRedFlowValidator.Problems(new JsonObject(), CoreTypes));

        var flow = (JsonObject)JsonNode.Parse("""
            {"nodes":[
              {"id":"a","type":"function","wires":[["b"]]},
              {"id":"a","type":"no-such-node","wires":[]},
              {"type":"debug","wires":[]},
              {"id":"t","type":"tab"},
              {"id":"m","type":"mqtt in","broker":"missing","wires":[]},
              {"id":"w","type":"debug","wires":["m"]}],
             "configs":[{"id":"c","type":"mqtt-broker","clientid":"c"}]}
            """)!;
        var problems = NodeRedFlowValidator.Problems(flow, CoreTypes);

        Assert.Contains("node 'a' appears more than once", problems);
        Assert.Contains(problems, p => p.StartsWith("node 'a' has type 'no-such-node'", StringComparison.Ordinal));
        Assert.Contains("nodes[2] (type 'debug') has no id", problems);
        Assert.Contains("node 't' has type 'tab', which a flow cannot contain", problems);
        Assert.Contains("node 'a' wires to '\"b\"', which is not in this flow", problems);
        Assert.Contains("node 'w': wires must be an array of arrays of node ids", problems);
        Assert.Contains("node 'm' uses broker 'missing', which is not in this flow", problems);
        Assert.Contains(problems, p => p.StartsWith("node 'c': property 'clientid' holds the node's own id", StringComparison.Ordinal));
    }
}

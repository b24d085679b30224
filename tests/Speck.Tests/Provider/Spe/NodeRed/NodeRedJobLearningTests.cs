using System.Text.Json.Nodes;
using Speck.Provider.Brokers.Mqtt;
using Speck.Provider.Spe;
using Speck.Provider.Spe.NodeRed;

namespace Speck.Tests.Provider.Spe.NodeRed;

/// <summary>An import reads a job's inputs back from the flow the provider built from them: the inverse of the builder.</summary>
[Trait("Category", "Unit")]
public class NodeRedJobLearningTests
{
    private static readonly MqttEndpoint Edge = MqttUrl.Parse("mqtt://127.0.0.1:1883");
    private static readonly MqttEndpoint Cloud = MqttUrl.Parse("mqtts://cloud.example:8883", new MqttCredentials("job", "pw"));

    private static NodeRedJobSpec Job(string? function, JsonArray? nodes) => new()
    {
        JobKey = "urn:pulumi:dev::p::speck:index:StreamJob::clean",
        Name = "clean",
        FunctionBody = function,
        Nodes = nodes,
        Sources = [new NodeRedMqttTopic(Edge, "raw/a"), new NodeRedMqttTopic(Edge, "raw/b")],
        Sink = new NodeRedMqttTopic(Cloud, "clean"),
    };

    [Fact]
    public void A_function_job_gives_back_its_topics_in_order_and_its_function()
    {
        var learned = NodeRedJobLearning.From(NodeRedFlowBuilder.Build(Job("return msg;", null)).Body);

        Assert.Equal([new LearnedTopic("mqtt://127.0.0.1:1883", "raw/a"), new LearnedTopic("mqtt://127.0.0.1:1883", "raw/b")], learned.Sources);
        Assert.Equal(new LearnedTopic("mqtts://cloud.example:8883", "clean"), learned.Sink);
        Assert.Equal("return msg;", learned.Function);
        Assert.Null(learned.Nodes);
    }

    [Fact]
    public void A_nodes_job_gives_back_its_nodes_with_their_own_ids_and_wires_to_the_sink()
    {
        var nodes = new JsonArray(
            new JsonObject { ["id"] = "pick", ["type"] = "change", ["x"] = 10, ["y"] = 20, ["rules"] = new JsonArray(), ["wires"] = new JsonArray(new JsonArray("keep")) },
            new JsonObject { ["id"] = "keep", ["type"] = "switch", ["x"] = 30, ["y"] = 40, ["property"] = "payload", ["wires"] = new JsonArray(new JsonArray("sink")) });

        var learned = NodeRedJobLearning.From(NodeRedFlowBuilder.Build(Job(null, nodes)).Body);

        Assert.Null(learned.Function);
        Assert.True(JsonNode.DeepEquals(nodes, learned.Nodes), learned.Nodes!.ToJsonString());
        var forwarder = NodeRedJobLearning.From(NodeRedFlowBuilder.Build(Job(null, [])).Body);
        Assert.Empty(forwarder.Nodes!);
    }
}

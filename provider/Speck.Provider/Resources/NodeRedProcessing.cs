using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Speck.Host.Schema;

namespace Speck.Provider.Resources;

[SchemaToken("speck:index:NodeRedProcessing")]
[Description("A job's processing on a Node-RED site: a function body or a list of Node-RED nodes (exactly one). The provider adds the MQTT input and output nodes, the broker logins and the health nodes.")]
public sealed record NodeRedProcessing
{
    [Description("Body of a Node-RED function node. It receives `msg` (`msg.payload` parsed from JSON when it parses) and returns the message for the sink, `null` to drop it, or an array.")]
    public string? Function { get; init; }

    [Description("Node-RED nodes (objects with `id`, `type`, `wires`, …). The sources feed the first node; a wire to `sink` goes to the job's sink; ids are namespaced per job on the engine. `[]` forwards the sources to the sink unchanged.")]
    public List<JsonElement>? Nodes { get; init; }

    /// <summary>The same processing: the same function body, or nodes equal as JSON.</summary>
    public static bool Same(NodeRedProcessing? a, NodeRedProcessing? b) =>
        a is null || b is null ? a is null && b is null
            : a.Function == b.Function && (a.Nodes is null) == (b.Nodes is null)
              && (a.Nodes is null || JsonNode.DeepEquals(ToArray(a.Nodes), ToArray(b.Nodes!)));

    private static JsonArray ToArray(List<JsonElement> nodes) => new(nodes.Select(n => JsonNode.Parse(n.GetRawText())).ToArray());
}

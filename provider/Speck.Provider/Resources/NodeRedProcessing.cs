using System.ComponentModel;
using System.Text.Json;
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
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace Speck.Provider.Spe.NodeRed;

/// <summary>
/// Reads a job's inputs back from its flow, for an import: the MQTT in nodes are its sources, the MQTT out node its
/// sink (broker URL and topic), and what is left besides the provider's health nodes is its processing: the function
/// of a flow this provider built from `function`, else the nodes with the job's id prefix taken off and wires to
/// the MQTT out node written as `sink` again (the inverse of <see cref="NodeRedUserNodes"/>).
/// </summary>
public static class NodeRedJobLearning
{
    public static LearnedJob From(JsonObject flow)
    {
        var all = NodeRedFlowHash.AllNodes(flow).Where(n => n["id"] is JsonValue).ToList();
        string Id(JsonObject n) => n["id"]!.ToString();
        string Type(JsonObject n) => n["type"]?.ToString() ?? "";
        var brokers = all.Where(n => Type(n) == "mqtt-broker").ToDictionary(Id, BrokerUrl, StringComparer.Ordinal);
        LearnedTopic Topic(JsonObject n) => new(brokers.GetValueOrDefault(n["broker"]?.ToString() ?? "") ?? "", n["topic"]?.ToString() ?? "");

        var sources = all.Where(n => Type(n) == "mqtt in").Select(Topic).ToList();
        var outs = all.Where(n => Type(n) == "mqtt out").ToList();
        var sinkId = outs.Count == 1 ? Id(outs[0]) : null;

        var prefix = Prefix(all.Select(Id));
        var own = prefix is null ? new HashSet<string>() : [$"{prefix}-status", $"{prefix}-catch", $"{prefix}-health"];
        var processing = all.Where(n => Type(n) is not ("mqtt in" or "mqtt out" or "mqtt-broker" or "tls-config") && !own.Contains(Id(n))).ToList();

        var learned = new LearnedJob { Sources = sources, Sink = outs.Count == 1 ? Topic(outs[0]) : null };
        if (prefix is not null && processing is [var fn] && Id(fn) == $"{prefix}-fn" && Type(fn) == "function")
            return learned with { Function = fn["func"]?.ToString() };
        var userPrefix = prefix is null ? "" : $"{prefix}-u-";
        string Original(string id) => userPrefix.Length > 0 && id.StartsWith(userPrefix, StringComparison.Ordinal) ? id[userPrefix.Length..] : id;
        var ids = processing.Select(Id).ToHashSet(StringComparer.Ordinal);
        var nodes = new JsonArray();
        foreach (var n in processing)
        {
            var copy = new JsonObject();
            foreach (var (key, value) in n)
            {
                if (key is "z") continue;
                copy[key] = key == "wires" ? Wires(value, ids, sinkId, Original) : Renamed(value, ids, Original);
            }
            nodes.Add((JsonNode)copy);
        }
        return learned with { Nodes = nodes };
    }

    /// <summary>The provider's `speck-&lt;12 hex&gt;` prefix when the flow's nodes carry one.</summary>
    private static string? Prefix(IEnumerable<string> ids) =>
        ids.FirstOrDefault(id => id.StartsWith("speck-", StringComparison.Ordinal) && id.Length > 18 && id[18] == '-') is { } first ? first[..18] : null;

    /// <summary>The broker's URL as the provider names its config nodes, else from host, port and TLS.</summary>
    private static string BrokerUrl(JsonObject broker)
    {
        var name = broker["name"]?.ToString() ?? "";
        if (name.StartsWith("mqtt://", StringComparison.OrdinalIgnoreCase) || name.StartsWith("mqtts://", StringComparison.OrdinalIgnoreCase)) return name;
        var tls = broker["usetls"] is JsonValue t && t.GetValueKind() == JsonValueKind.True;
        var port = broker["port"]?.ToString() is { Length: > 0 } p ? p : tls ? "8883" : "1883";
        return $"{(tls ? "mqtts" : "mqtt")}://{broker["broker"]}:{port}";
    }

    private static JsonNode? Renamed(JsonNode? value, HashSet<string> ids, Func<string, string> original) => value switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String && ids.Contains(v.GetValue<string>()) => original(v.GetValue<string>()),
        JsonArray a when a.All(x => x is JsonValue xv && xv.GetValueKind() == JsonValueKind.String) =>
            new JsonArray(a.Select(x => Renamed(x, ids, original)).ToArray()),
        _ => value?.DeepClone(),
    };

    private static JsonArray Wires(JsonNode? wires, HashSet<string> ids, string? sinkId, Func<string, string> original) =>
        new((wires as JsonArray ?? []).Select(port => (JsonNode?)new JsonArray((port as JsonArray ?? []).Select(t =>
        {
            var target = t?.ToString() ?? "";
            return (JsonNode?)(target == sinkId ? NodeRedFlowBuilder.SinkWire : ids.Contains(target) ? original(target) : target);
        }).ToArray())).ToArray());
}

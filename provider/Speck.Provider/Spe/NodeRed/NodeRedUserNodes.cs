using System.Text.Json;
using System.Text.Json.Nodes;

namespace Speck.Provider.Spe.NodeRed;

/// <summary>
/// Takes the user's processing nodes into the job's flow: ids get the job's prefix (node ids are unique across the
/// whole engine), and every reference to them (wires, and string properties such as a config node's id) follows.
/// </summary>
internal static class NodeRedUserNodes
{
    public static List<JsonObject> Rewrite(JsonArray userNodes, string prefix, string? sinkId)
    {
        var problems = new List<string>();
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < userNodes.Count; i++)
        {
            if (userNodes[i] is not JsonObject n) { problems.Add($"nodes[{i}] is not an object"); continue; }
            var id = n["id"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
            if (string.IsNullOrEmpty(id)) problems.Add($"nodes[{i}] (type '{n["type"]}') has no id");
            else if (id == NodeRedFlowBuilder.SinkWire) problems.Add($"nodes[{i}]: the id '{id}' is reserved for the job's sink");
            else if (!ids.TryAdd(id, $"{prefix}-u-{id}")) problems.Add($"node '{id}' appears twice");
        }

        if (problems.Count > 0) throw new NodeRedFlowInvalidException(problems);
        var result = new List<JsonObject>();
        var row = 0;
        foreach (var n in userNodes.Cast<JsonObject>())
        {
            var copy = (JsonObject)n.DeepClone();
            var ownId = n["id"]!.GetValue<string>();
            copy.Remove("z");
            foreach (var key in copy.Select(p => p.Key).ToList())
            {
                if (key == "wires") copy[key] = Wires(ownId, copy[key], ids, sinkId, problems);
                else copy[key] = Renamed(copy[key], ids);
            }

            // Without x and y Node-RED files a node under configs; flow nodes get a place so they round-trip
            // (docs/nodered.md §Flow JSON).
            if (copy.ContainsKey("wires") && copy["x"] is null && copy["y"] is null)
            {
                copy["x"] = 400;
                copy["y"] = 140 + 60 * row++;
            }

            result.Add(copy);
        }

        if (problems.Count > 0) throw new NodeRedFlowInvalidException(problems);
        return result;
    }

    private static JsonNode? Renamed(JsonNode? value, Dictionary<string, string> ids) => value switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String && ids.TryGetValue(v.GetValue<string>(), out var to) => to,
        JsonArray a when a.All(x => x is JsonValue xv && xv.GetValueKind() == JsonValueKind.String) =>
            new JsonArray(a.Select(x => Renamed(x, ids) ?? x?.DeepClone()).ToArray()),
        _ => value?.DeepClone(),
    };

    private static JsonArray Wires(string node, JsonNode? wires, Dictionary<string, string> ids, string? sinkId, List<string> problems)
    {
        var outputs = new JsonArray();
        if (wires is not JsonArray ports) { problems.Add($"node '{node}': wires must be an array of arrays of node ids"); return outputs; }
        foreach (var port in ports)
        {
            var targets = new JsonArray();
            if (port is not JsonArray list) { problems.Add($"node '{node}': each output in wires must be an array of node ids"); continue; }
            foreach (var t in list)
            {
                var target = t is JsonValue tv && tv.GetValueKind() == JsonValueKind.String ? tv.GetValue<string>() : null;
                if (target == NodeRedFlowBuilder.SinkWire && sinkId is not null) targets.Add((JsonNode)sinkId);
                else if (target == NodeRedFlowBuilder.SinkWire) problems.Add($"node '{node}' wires to the sink, but the job has no sink");
                else if (target is not null && ids.TryGetValue(target, out var to)) targets.Add((JsonNode)to);
                else problems.Add($"node '{node}' wires to unknown node '{t?.ToJsonString()}'");
            }

            outputs.Add((JsonNode)targets);
        }

        return outputs;
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace Speck.Provider.Spe.NodeRed;

/// <summary>A flow that must not reach the engine; <see cref="Problems"/> name the nodes.</summary>
public sealed class NodeRedFlowInvalidException(IReadOnlyList<string> problems)
    : Exception("invalid Node-RED flow: " + string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>
/// Checks a flow before any deploy, because Node-RED does not: an unknown node type makes the engine wait for it and
/// start no flow at all (docs/nodered.md §One unknown node type stops every flow), a PUT takes nodes that are not an
/// array or reuse ids (§PUT validates nothing), and a node without an id is stored as garbage (§Flow JSON).
/// </summary>
public static class NodeRedFlowValidator
{
    /// <summary>Types the runtime knows without a node set (<c>GET /nodes</c> does not list them).</summary>
    private static readonly HashSet<string> BuiltIn = new(StringComparer.Ordinal) { "group" };

    /// <summary>Throws <see cref="NodeRedFlowInvalidException"/> listing every problem.</summary>
    public static void Validate(JsonObject flow, IReadOnlySet<string> knownTypes)
    {
        var problems = Problems(flow, knownTypes);
        if (problems.Count > 0) throw new NodeRedFlowInvalidException(problems);
    }

    public static List<string> Problems(JsonObject flow, IReadOnlySet<string> knownTypes)
    {
        var problems = new List<string>();
        if (flow["nodes"] is not JsonArray) problems.Add("'nodes' must be an array");
        if (flow["configs"] is { } c && c is not JsonArray) problems.Add("'configs' must be an array");
        if (problems.Count > 0) return problems;

        var all = new List<(string Where, JsonObject Node)>();
        foreach (var key in new[] { "nodes", "configs" })
        {
            if (flow[key] is not JsonArray list) continue;
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i] is JsonObject n) all.Add(($"{key}[{i}]", n));
                else problems.Add($"{key}[{i}] is not a node object");
            }
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (where, n) in all)
        {
            var id = Text(n["id"]);
            var type = Text(n["type"]);
            var name = id is null ? where : $"node '{id}'";
            if (string.IsNullOrEmpty(id)) problems.Add($"{where} (type '{type}') has no id");
            else if (!ids.Add(id)) problems.Add($"{name} appears more than once");
            if (string.IsNullOrEmpty(type)) problems.Add($"{name} has no type");
            else if (type is "tab" or "subflow") problems.Add($"{name} has type '{type}', which a flow cannot contain");
            else if (!knownTypes.Contains(type) && !BuiltIn.Contains(type) && !type.StartsWith("subflow:", StringComparison.Ordinal))
                problems.Add($"{name} has type '{type}', which this engine does not know (it would stop every flow on it)");
        }

        foreach (var (_, n) in all)
        {
            var ports = n["wires"] as JsonArray ?? [];
            if (n["wires"] is { } w && (w is not JsonArray || ports.Any(port => port is not JsonArray)))
                problems.Add($"node '{Text(n["id"])}': wires must be an array of arrays of node ids");
            foreach (var target in ports.OfType<JsonArray>().SelectMany(t => t))
                if (Text(target) is not { } t || !ids.Contains(t))
                    problems.Add($"node '{Text(n["id"])}' wires to '{target?.ToJsonString()}', which is not in this flow");
            // Node-RED reads a string property equal to a config node's id as a dependency on it; on itself, the flow never starts.
            foreach (var (key, value) in n)
                if (key != "id" && Text(value) is { } v && v == Text(n["id"]))
                    problems.Add($"node '{v}': property '{key}' holds the node's own id, which Node-RED takes as a circular dependency");
            if (Text(n["broker"]) is { } b && n["type"]?.ToString() is "mqtt in" or "mqtt out" && !ids.Contains(b))
                problems.Add($"node '{Text(n["id"])}' uses broker '{b}', which is not in this flow");
        }

        return problems;
    }

    private static string? Text(JsonNode? n) =>
        n is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}

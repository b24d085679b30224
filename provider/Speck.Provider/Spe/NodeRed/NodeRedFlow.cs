using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Speck.Provider.Spe.NodeRed;

/// <summary>
/// A flow ready for <c>POST/PUT /flow</c>. <see cref="Body"/> carries the broker passwords as Node-RED credentials,
/// so it is never logged or returned; <see cref="Hash"/> covers everything Node-RED echoes back (credentials are not).
/// </summary>
public sealed class NodeRedFlow(string prefix, JsonObject body, IReadOnlyDictionary<string, string> mqttNodes)
{
    /// <summary>Every node id of this job starts with it: <c>speck-</c> and 12 hex digits of the job key's SHA-256.</summary>
    public string Prefix { get; } = prefix;

    public JsonObject Body { get; } = body;

    /// <summary>Id of the job's health function; it exists in exactly one flow, so it finds the job's tab.</summary>
    public string AnchorId => Prefix + "-health";

    /// <summary>The job's <c>mqtt in</c>/<c>mqtt out</c> node ids, each with what it is (for messages).</summary>
    public IReadOnlyDictionary<string, string> MqttNodes { get; } = mqttNodes;

    public IEnumerable<string> NodeIds => NodeRedFlowHash.AllNodes(Body).Select(n => (string)n["id"]!);

    public string Hash => NodeRedFlowHash.Of(Body);

    /// <summary>
    /// A flow body read back from an artifact (<see cref="NodeRedFlowArtifact"/>); its MQTT nodes are found by type.
    /// </summary>
    public static NodeRedFlow FromBody(JsonObject body)
    {
        var first = NodeRedFlowHash.AllNodes(body).Select(n => n["id"]?.ToString() ?? "").FirstOrDefault(id => id.Length > 0) ?? "";
        var prefix = first.Length > 18 && first.StartsWith("speck-", StringComparison.Ordinal) ? first[..18] : first;
        var all = NodeRedFlowHash.AllNodes(body).Where(n => n["id"] is not null).ToList();
        var brokers = all.Where(n => n["type"]?.ToString() == "mqtt-broker")
            .ToDictionary(n => n["id"]!.ToString(), n => n["name"]?.ToString() is { Length: > 0 } name ? name : $"{n["broker"]}:{n["port"]}");
        var mqtt = all.Where(n => n["type"]?.ToString() is "mqtt in" or "mqtt out").ToDictionary(
            n => n["id"]!.ToString(),
            n => $"{(n["type"]!.ToString() == "mqtt in" ? "source" : "sink")} '{n["topic"]}' on {brokers.GetValueOrDefault(n["broker"]?.ToString() ?? "", "an unknown broker")}",
            StringComparer.Ordinal);
        return new NodeRedFlow(prefix, body, mqtt);
    }

    public override string ToString() => $"flow '{Body["label"]}' ({Prefix})";
}

/// <summary>
/// A stable hash of a flow as Node-RED stores it: tab fields plus nodes and configs merged and sorted by id (Node-RED
/// moves nodes without x/y to configs), without <c>z</c> (added by the server) and credentials (never returned),
/// with object keys sorted and numbers normalised (JavaScript re-serialises them). The tab's <c>info</c> is left out:
/// it records this very hash, so the engine itself tells whether a flow was edited since we deployed it.
/// </summary>
public static class NodeRedFlowHash
{
    private const string InfoHashMarker = "sha256=";

    /// <summary>The hash recorded in a flow's <c>info</c> when we deployed it, or null.</summary>
    public static string? Recorded(JsonObject flow)
    {
        var info = flow["info"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";
        var at = info.LastIndexOf(InfoHashMarker, StringComparison.Ordinal);
        return at < 0 ? null : new string(info[(at + InfoHashMarker.Length)..].TakeWhile(char.IsAsciiHexDigitLower).ToArray());
    }

    public static string Info(string jobKey, string hash) => $"managed-by=speck; job={jobKey}; {InfoHashMarker}{hash}";

    public static string Of(JsonObject flow)
    {
        var canonical = new JsonObject();
        foreach (var key in new[] { "label", "env" })
            if (flow[key] is { } v) canonical[key] = Canonical(v);
        if (flow["disabled"]?.GetValueKind() == JsonValueKind.True) canonical["disabled"] = true;
        var nodes = new JsonArray();
        foreach (var n in AllNodes(flow).OrderBy(n => n["id"]?.ToJsonString(), StringComparer.Ordinal))
        {
            var c = (JsonObject)Canonical(n)!;
            c.Remove("z");
            c.Remove("credentials");
            nodes.Add((JsonNode)c);
        }

        canonical["nodes"] = nodes;
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToJsonString())));
    }

    public static IEnumerable<JsonObject> AllNodes(JsonObject flow) =>
        new[] { flow["nodes"], flow["configs"] }.OfType<JsonArray>().SelectMany(a => a).OfType<JsonObject>();

    private static JsonNode? Canonical(JsonNode? node)
    {
        if (node is null) return null;
        using var doc = JsonDocument.Parse(node.ToJsonString());
        return Canonical(doc.RootElement);
    }

    private static JsonNode? Canonical(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => new JsonObject(e.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Name, Canonical(p.Value)))),
        JsonValueKind.Array => new JsonArray(e.EnumerateArray().Select(Canonical).ToArray()),
        JsonValueKind.Number => JsonValue.Create(e.GetDouble()),
        JsonValueKind.String => JsonValue.Create(e.GetString()),
        JsonValueKind.True => JsonValue.Create(true),
        JsonValueKind.False => JsonValue.Create(false),
        _ => null,
    };
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Speck.Provider.Brokers.Mqtt;

namespace Speck.Provider.Spe.NodeRed;

/// <summary>
/// Why a job's MQTT nodes do not connect. Node-RED shows only "connecting" (its MQTT client's error handler is empty,
/// so a refused TLS certificate or login is never reported), so the provider connects once itself with the settings
/// the flow gives its broker nodes (host, port, TLS with the job's CA, the job's login) and reports what fails.
/// </summary>
public static class NodeRedBrokerCheck
{
    private static readonly MqttProbeOptions Probe = new()
    {
        CheckDynsec = false, VersionTimeout = TimeSpan.Zero,
        Connection = MqttConnectionOptions.Default with { ConnectTimeout = TimeSpan.FromSeconds(5) },
    };

    /// <summary>
    /// "; " and one sentence per broker of <paramref name="waiting"/> (MQTT node ids) that the provider cannot reach
    /// either, or "" when it can reach them all (then the cause lies between Node-RED and the broker).
    /// </summary>
    public static async Task<string> ExplainAsync(JsonObject flow, IEnumerable<string> waiting, CancellationToken ct)
    {
        var nodes = NodeRedFlowHash.AllNodes(flow).Where(n => n["id"] is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            .GroupBy(n => n["id"]!.GetValue<string>()).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var brokers = waiting.Select(id => nodes.GetValueOrDefault(id)?["broker"]?.ToString()).OfType<string>().Distinct().ToList();
        var reasons = new List<string>();
        foreach (var broker in brokers)
        {
            if (Endpoint(nodes, broker) is not { } endpoint) continue;
            var result = await MqttProbe.ProbeAsync(endpoint, Probe, ct);
            if (!result.Connected) reasons.Add($"the provider, connecting as the job would, fails too: {result.Error}");
        }

        return string.Concat(reasons.Select(r => "; " + r));
    }

    /// <summary>The endpoint a <c>mqtt-broker</c> node of ours connects to, or null when it is not one the builder writes.</summary>
    private static MqttEndpoint? Endpoint(Dictionary<string, JsonObject> nodes, string brokerId)
    {
        if (!nodes.TryGetValue(brokerId, out var b) || b["type"]?.ToString() != "mqtt-broker") return null;
        if (b["broker"]?.ToString() is not { Length: > 0 } host || !int.TryParse(b["port"]?.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            return null;
        var tls = b["usetls"]?.GetValueKind() == JsonValueKind.True;
        var login = b["credentials"] is JsonObject c && c["user"]?.ToString() is { Length: > 0 } user
            ? new MqttCredentials(user, c["password"]?.ToString() ?? "") : null;
        var ca = tls && b["tls"]?.ToString() is { } tlsId && nodes.GetValueOrDefault(tlsId)?["credentials"]?["cadata"]?.ToString() is { Length: > 0 } pem ? pem : null;
        return MqttUrl.TryParse($"{(tls ? "mqtts" : "mqtt")}://{host}:{port}", out var endpoint, out _, login, ca) ? endpoint : null;
    }
}

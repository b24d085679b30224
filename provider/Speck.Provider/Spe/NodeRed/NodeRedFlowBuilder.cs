using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Speck.Provider.Brokers.Mqtt;

namespace Speck.Provider.Spe.NodeRed;

/// <summary>
/// Builds one flow (tab) per job: health nodes, one <c>mqtt in</c> per source, the processing, one <c>mqtt out</c> for
/// the sink, and the job's own broker config nodes inside the flow (never shared global ones, so no other job restarts
/// when this one changes, docs/nodered.md §Global config nodes). Brokers get a persistent session (fixed client id,
/// clean session off, QoS 1, no unsubscribe on close) so a redeploy loses as few messages as Node-RED allows
/// (§What a PUT restarts).
/// </summary>
public static class NodeRedFlowBuilder
{
    /// <summary>Wire target in user nodes that means "the job's sink".</summary>
    public const string SinkWire = "sink";

    /// <summary>Flow context key under which the health function keeps a node's last status.</summary>
    public static string StatusKey(string nodeId) => "speck_status_" + nodeId;

    public const string LastErrorKey = "speck_last_error";

    /// <summary>Flow context key: when the flow's health node last started (epoch ms), i.e. the flow's last full start.</summary>
    public const string StartedKey = "speck_started";

    public static string PrefixOf(string jobKey) =>
        "speck-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(jobKey)))[..12];

    /// <summary>Throws <see cref="NodeRedFlowInvalidException"/> naming the node when the user's nodes cannot be wired.</summary>
    public static NodeRedFlow Build(NodeRedJobSpec job)
    {
        CheckTopics(job);
        var p = PrefixOf(job.JobKey);
        var nodes = new JsonArray();
        var configs = new JsonArray();
        var mqtt = new Dictionary<string, string>(StringComparer.Ordinal);
        var brokers = new Dictionary<MqttEndpoint, string>();
        var sinkId = job.Sink is null ? null : p + "-out";
        var (entryId, processing) = Processing(job, p, sinkId);
        var sourceIds = job.Sources.Select((_, i) => $"{p}-in{i}").ToList();

        // Health first: nodes start in array order, and a status node must exist before the MQTT nodes report.
        var watched = new JsonArray(sourceIds.Concat(sinkId is null ? [] : [sinkId]).Select(id => (JsonNode?)id).ToArray());
        nodes.Add((JsonNode)Node(p + "-status", "status", 100, 300, [p + "-health"], ("scope", watched)));
        nodes.Add((JsonNode)Node(p + "-catch", "catch", 100, 360, [p + "-health"], ("scope", null), ("uncaught", false)));
        nodes.Add((JsonNode)Node(p + "-health", "function", 300, 330, null, ("name", "speck health"), ("func", HealthFunction),
            ("outputs", 0), ("noerr", 0), ("initialize", HealthStart), ("finalize", ""), ("libs", new JsonArray())));

        for (var i = 0; i < job.Sources.Count; i++)
        {
            var s = job.Sources[i];
            nodes.Add((JsonNode)Node(sourceIds[i], "mqtt in", 100, 80 + 60 * i, entryId is null ? [] : [entryId],
                ("name", $"source {s.Topic}"), ("topic", s.Topic), ("qos", "1"), ("datatype", job.PayloadType),
                ("broker", BrokerId(s.Broker)), ("nl", false), ("rap", true), ("rh", 0), ("inputs", 0)));
            mqtt[sourceIds[i]] = $"source '{s.Topic}' on {s.Broker.Url}";
        }

        foreach (var n in processing) nodes.Add((JsonNode)n);

        if (job.Sink is { } sink)
        {
            nodes.Add((JsonNode)Node(sinkId!, "mqtt out", 700, 80, null, ("name", $"sink {sink.Topic}"), ("topic", sink.Topic),
                ("qos", "1"), ("retain", "false"), ("broker", BrokerId(sink.Broker))));
            mqtt[sinkId!] = $"sink '{sink.Topic}' on {sink.Broker.Url}";
        }

        var body = new JsonObject
        {
            ["label"] = job.Name,
            ["env"] = new JsonArray(new JsonObject { ["name"] = "SPECK_JOB", ["value"] = job.Name, ["type"] = "str" }),
            ["nodes"] = nodes,
            ["configs"] = configs,
        };
        body["info"] = NodeRedFlowHash.Info(job.JobKey, NodeRedFlowHash.Of(body));
        return new NodeRedFlow(p, body, mqtt);

        string BrokerId(MqttEndpoint endpoint)
        {
            if (brokers.TryGetValue(endpoint, out var id)) return id;
            id = $"{p}-broker{brokers.Count}";
            brokers[endpoint] = id;
            foreach (var c in BrokerConfig(id, endpoint)) configs.Add((JsonNode)c);
            return id;
        }
    }

    private static readonly HashSet<string> PayloadTypes = new(StringComparer.Ordinal) { "auto-detect", "utf8", "buffer", "json", "base64" };

    /// <summary>Node-RED would take a bad topic and fail only at run time (mqtt out rejects wildcards per message).</summary>
    private static void CheckTopics(NodeRedJobSpec job)
    {
        var problems = job.Sources.Select((s, i) => MqttTopicName.ValidateFilter(s.Topic) is { } why ? $"sources[{i}]: {why}" : null)
            .Append(job.Sink is { } sink && MqttTopicName.Validate(sink.Topic) is { } bad ? $"sink: {bad}" : null)
            .Append(PayloadTypes.Contains(job.PayloadType) ? null : $"payload type '{job.PayloadType}' is not one of {string.Join(", ", PayloadTypes)}")
            .OfType<string>().ToList();
        if (problems.Count > 0) throw new NodeRedFlowInvalidException(problems);
    }

    private static IEnumerable<JsonObject> BrokerConfig(string id, MqttEndpoint e)
    {
        var broker = new JsonObject
        {
            ["id"] = id, ["type"] = "mqtt-broker", ["name"] = e.Url, ["broker"] = e.Host,
            ["port"] = e.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Unique per broker (job prefix + broker index), and not the node's own id: Node-RED takes any string
            // property equal to a config node id as a dependency, and refuses to start a node that depends on itself.
            ["clientid"] = id + "-client", ["autoConnect"] = true, ["usetls"] = e.UseTls, ["protocolVersion"] = "4",
            ["keepalive"] = "60", ["cleansession"] = false, ["autoUnsubscribe"] = false,
        };
        if (e.Credentials is { } login)
            broker["credentials"] = new JsonObject { ["user"] = login.Username, ["password"] = login.Password };
        if (!e.UseTls)
        {
            yield return broker;
            yield break;
        }

        broker["tls"] = id + "-tls";
        yield return broker;
        // 05-tls.js reads cert/key/ca paths unconditionally; the CA itself travels as a credential.
        var tls = new JsonObject
        {
            ["id"] = id + "-tls", ["type"] = "tls-config", ["name"] = e.Url, ["cert"] = "", ["key"] = "", ["ca"] = "",
            ["verifyservercert"] = true, ["servername"] = "",
        };
        if (e.CaCertificatePem is { } ca) tls["credentials"] = new JsonObject { ["cadata"] = ca };
        yield return tls;
    }

    private static (string? EntryId, List<JsonObject> Nodes) Processing(NodeRedJobSpec job, string p, string? sinkId)
    {
        if (job.FunctionBody is not null && job.Nodes is not null)
            throw new NodeRedFlowInvalidException(["give the processing as a function body or as nodes, not both"]);
        if (job.FunctionBody is { } body)
        {
            var fn = Node(p + "-fn", "function", 400, 80, sinkId is null ? [] : [sinkId], ("name", job.Name), ("func", body),
                ("outputs", 1), ("timeout", 0), ("noerr", 0), ("initialize", ""), ("finalize", ""), ("libs", new JsonArray()));
            return (fn["id"]!.GetValue<string>(), [fn]);
        }

        if (job.Nodes is null) return (sinkId, []); // a plain forwarder: sources straight to the sink
        var users = NodeRedUserNodes.Rewrite(job.Nodes, p, sinkId);
        return (users.Count == 0 ? sinkId : users[0]["id"]!.GetValue<string>(), users);
    }

    internal static JsonObject Node(string id, string type, int x, int y, string[]? wires, params (string Key, JsonNode? Value)[] props)
    {
        var n = new JsonObject { ["id"] = id, ["type"] = type };
        foreach (var (k, v) in props) n[k] = v;
        n["x"] = x;
        n["y"] = y;
        n["wires"] = wires is null ? new JsonArray() : new JsonArray(new JsonArray(wires.Select(w => (JsonNode?)w).ToArray()));
        return n;
    }

    private const string HealthStart = "flow.set('speck_started', Date.now());";

    /// <summary>Receives status (from the status node) and errors (from the catch node) and keeps the last of each in flow context.</summary>
    private const string HealthFunction = """
        if (msg.status) {
            flow.set('speck_status_' + msg.status.source.id, { fill: msg.status.fill || '', shape: msg.status.shape || '', text: msg.status.text || '', at: Date.now() });
        } else if (msg.error) {
            flow.set('speck_last_error', { node: (msg.error.source || {}).id || '', message: String(msg.error.message), at: Date.now() });
        }
        return null;
        """;
}

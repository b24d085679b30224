using System.Text.Json.Nodes;
using Speck.Provider.Brokers.Mqtt;

namespace Speck.Provider.Spe.NodeRed;

/// <summary>One MQTT topic on one broker; the broker's credentials (if any) are the job's own login.</summary>
public sealed record NodeRedMqttTopic(MqttEndpoint Broker, string Topic);

/// <summary>
/// What a Node-RED job is: its processing (a JavaScript function body, or Node-RED nodes given by the user), where it
/// reads and where it writes. <see cref="JobKey"/> is the job's stable identity (e.g. its Pulumi URN): every node id
/// of the flow derives from it, so redeploys keep ids and a retried create finds its own flow.
/// </summary>
public sealed record NodeRedJobSpec
{
    public required string JobKey { get; init; }

    /// <summary>The flow's label as Node-RED shows it.</summary>
    public required string Name { get; init; }

    /// <summary>Body of a Node-RED function node (receives <c>msg</c>; returns msg, null or an array).</summary>
    public string? FunctionBody { get; init; }

    /// <summary>
    /// The processing as Node-RED nodes. Sources feed the first node; a wire to <c>"sink"</c> goes to the sink. Ids are
    /// the user's own and are namespaced with the job's prefix on the engine.
    /// </summary>
    public JsonArray? Nodes { get; init; }

    public required IReadOnlyList<NodeRedMqttTopic> Sources { get; init; }
    public NodeRedMqttTopic? Sink { get; init; }

    /// <summary>How <c>mqtt in</c> hands payloads on: <c>auto-detect</c> (JSON parsed when it parses), <c>utf8</c>, <c>json</c>, <c>buffer</c>.</summary>
    public string PayloadType { get; init; } = "auto-detect";

    /// <summary>Never prints broker passwords (records print every member by default).</summary>
    public override string ToString() => $"Node-RED job '{Name}' ({JobKey})";
}

/// <summary>Topics of the provider's model as the MQTT endpoints a flow connects to.</summary>
public static class NodeRedTopics
{
    /// <summary>
    /// The topic on its broker, logged in as the given user (the job's own broker login, or the site's); throws
    /// <see cref="FormatException"/> for a broker URL that is not <c>mqtt(s)://host:port</c>.
    /// </summary>
    public static NodeRedMqttTopic From(Model.TopicEndpoint topic, string? username, string? password) =>
        new(MqttUrl.Parse(topic.Broker.Url, username is null ? null : new MqttCredentials(username, password ?? ""), topic.Broker.CaCert), topic.Name);
}

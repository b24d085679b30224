using System.ComponentModel;
using System.Text.Json.Serialization;
using Speck.Host.Schema;

namespace Speck.Provider.Model;

[JsonConverter(typeof(JsonStringEnumConverter<SpeKind>))]
[Description("The stream processing engine a site runs.")]
public enum SpeKind
{
    [JsonStringEnumMemberName("flink")][Description("An Apache Flink JobManager (REST API).")] Flink,
    [JsonStringEnumMemberName("nodered")][Description("A Node-RED runtime (Admin API).")] NodeRed,
}

public static class SpeKinds
{
    /// <summary>The engine kind an input names (as <see cref="SpeKind"/>'s members are spelt in JSON), or null.</summary>
    public static SpeKind? Named(string name) => name switch
    {
        "flink" => SpeKind.Flink,
        "nodered" => SpeKind.NodeRed,
        _ => null,
    };
}

[JsonConverter(typeof(JsonStringEnumConverter<BrokerKind>))]
[Description("The message broker a site runs.")]
public enum BrokerKind
{
    [JsonStringEnumMemberName("mqtt")][Description("An MQTT broker such as Mosquitto.")] Mqtt,
    [JsonStringEnumMemberName("kafka")][Description("A Kafka cluster.")] Kafka,
}

[JsonConverter(typeof(JsonStringEnumConverter<Tier>))]
[Description("Where a site stands between the data sources and the cloud.")]
public enum Tier
{
    [JsonStringEnumMemberName("edge")] Edge,
    [JsonStringEnumMemberName("fog")] Fog,
    [JsonStringEnumMemberName("cloud")] Cloud,
}

[SchemaToken("speck:index:SpeEndpoint")]
[Description("How to reach a site's stream processing engine.")]
public sealed record SpeEndpoint
{
    [Description("Which engine: `flink` or `nodered`.")]
    public required SpeKind Kind { get; init; }

    [Description("Base URL of the engine's REST API, e.g. `http://127.0.0.1:8081`.")]
    public required string Url { get; init; }

    [Secret]
    [Description("Bearer token for the engine's API.")]
    public string? Token { get; init; }

    [Description("User name for the engine's API (Node-RED adminAuth); needs `password`.")]
    public string? Username { get; init; }

    [Secret]
    [Description("Password for the engine's API.")]
    public string? Password { get; init; }
}

[SchemaToken("speck:index:BrokerEndpoint")]
[Description("How to reach a site's message broker.")]
public sealed record BrokerEndpoint
{
    [Description("Which broker: `mqtt` or `kafka`.")]
    public required BrokerKind Kind { get; init; }

    [Description("`mqtt://host:port` or `mqtts://host:port` for MQTT; `host:port[,host:port]` (optionally `kafka://`) for Kafka.")]
    public required string Url { get; init; }

    [Description("User name jobs and probes connect with.")]
    public string? Username { get; init; }

    [Secret]
    [Description("Password for `username`.")]
    public string? Password { get; init; }

    [Description("Mosquitto dynamic-security admin user. When given, topics get publish and subscribe roles.")]
    public string? AdminUsername { get; init; }

    [Secret]
    [Description("Password of the dynamic-security admin user.")]
    public string? AdminPassword { get; init; }

    [Description("PEM certificate of the CA that signed the broker's TLS certificate (for `mqtts://`).")]
    public string? CaCert { get; init; }
}

[SchemaToken("speck:index:SiteConnection")]
[WiredAsString]
[Description("Everything a topic or job needs to reach its site: an output of `SpeSite`, one JSON string to pass on as it is.")]
public sealed record SiteConnection
{
    [Description("The site's name.")]
    public required string SiteName { get; init; }

    [Description("The site's tier.")]
    public required Tier Tier { get; init; }

    // Absent on a site without an engine or without a broker (issue 14: SpecK's Listing 1.2 has both kinds). Check
    // refuses a job on a site without engine and a topic on a site without broker, so past Check they are there.
    [Description("The site's engine; absent when the site has none.")]
    public SpeEndpoint Spe { get; init; } = null!;

    [Description("The site's broker; absent when the site has none.")]
    public BrokerEndpoint Broker { get; init; } = null!;
}

[SchemaToken("speck:index:TopicEndpoint")]
[WiredAsString]
[Description("Where a topic is: an output of `Topic`, one JSON string that jobs take as a source or sink.")]
public sealed record TopicEndpoint
{
    [Description("The site whose broker carries the topic.")]
    public required string SiteName { get; init; }

    [Description("The broker carrying the topic.")]
    public required BrokerEndpoint Broker { get; init; }

    [Description("The topic name.")]
    public required string Name { get; init; }

    [Description("Dynamic-security role allowed to publish to the topic, if the broker has access control.")]
    public string? PublishRole { get; init; }

    [Description("Dynamic-security role allowed to subscribe to the topic, if the broker has access control.")]
    public string? SubscribeRole { get; init; }
}

using Speck.Provider.Model;

namespace Speck.Provider.Brokers;

/// <summary>What a probe of a broker found.</summary>
public sealed record BrokerProbe(string? Version, bool AccessControl, string Summary);

/// <summary>
/// The topic as the broker keeps it. For MQTT with dynamic security these are the two roles made for it;
/// <see cref="OwnerTag"/> marks the roles as this resource's, so a replacement's delete never removes the
/// roles of the resource that replaced it.
/// </summary>
public sealed record TopicRecord(string Name, string OwnerTag, string? PublishRole, string? SubscribeRole, IReadOnlyList<string> Drift)
{
    /// <summary>The topic's settings (on brokers that have them) as recorded when passed to a binder, as the broker has them when returned.</summary>
    public TopicSettings? Settings { get; init; }

    /// <summary>What the user should know about the operation (e.g. an existing topic was adopted).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>The topic a resource asks for; <see cref="Settings"/> is null on brokers without such settings.</summary>
public sealed record TopicRequest(string Name, string OwnerTag, TopicSettings? Settings = null);

/// <summary>One message broker kind behind the resources.</summary>
public interface IBrokerBinder
{
    BrokerKind Kind { get; }

    /// <summary>Per-job logins on this kind of broker, or null where the broker has no access control to give them.</summary>
    IJobCredentials? JobCredentials => null;

    /// <summary>Null when the URL is acceptable, else the reason.</summary>
    string? ValidateUrl(string url);

    /// <summary>Null when the name is acceptable for a topic that jobs publish to, else the reason.</summary>
    string? ValidateTopicName(string name);

    /// <summary>A legal name that may still cause trouble (Kafka: mixing '.' and '_'), else null.</summary>
    string? TopicNameWarning(string name) => null;

    Task<BrokerProbe> ProbeAsync(BrokerEndpoint endpoint, CancellationToken ct);
    Task<TopicRecord> CreateTopicAsync(BrokerEndpoint endpoint, TopicRequest request, CancellationToken ct);
    /// <summary>Brings the topic in line with the request; by default creating it again restores it (MQTT roles are idempotent).</summary>
    Task<TopicRecord> UpdateTopicAsync(BrokerEndpoint endpoint, TopicRecord recorded, TopicRequest request, CancellationToken ct) =>
        CreateTopicAsync(endpoint, request, ct);
    /// <summary>Null when the topic is gone from the broker; <see cref="TopicRecord.Drift"/> lists what differs.</summary>
    Task<TopicRecord?> ReadTopicAsync(BrokerEndpoint endpoint, TopicRecord recorded, CancellationToken ct);
    /// <summary>Removes what the topic owns; returns notes for the user (e.g. clients that lost a role).</summary>
    Task<IReadOnlyList<string>> DeleteTopicAsync(BrokerEndpoint endpoint, TopicRecord recorded, CancellationToken ct);
}

namespace Speck.Provider.Brokers;

/// <summary>
/// What a partitioned, replicated broker (Kafka) keeps per topic: partitions, replication factor and topic-level
/// config; brokers without them (MQTT) get none. Null means "not managed": the broker's default when creating, and
/// no drift when reading. <see cref="Config"/> holds only entries set on the topic itself.
/// </summary>
public sealed record TopicSettings(int? Partitions, int? ReplicationFactor, IReadOnlyDictionary<string, string>? Config)
{
    /// <summary>How <paramref name="actual"/> differs from these (desired) settings; unmanaged settings never differ.</summary>
    public IReadOnlyList<string> DifferencesFrom(TopicSettings actual)
    {
        var differences = new List<string>();
        if (Partitions is { } p && actual.Partitions != p)
            differences.Add($"partitions is {actual.Partitions}, expected {p}");
        if (ReplicationFactor is { } rf && actual.ReplicationFactor != rf)
            differences.Add($"replicationFactor is {actual.ReplicationFactor}, expected {rf}");
        if (Config is { } wanted)
        {
            var found = actual.Config ?? new Dictionary<string, string>();
            foreach (var (key, value) in wanted.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (!found.TryGetValue(key, out var have)) differences.Add($"config '{key}' is not set on the topic, expected '{value}'");
                else if (have != value) differences.Add($"config '{key}' is '{have}', expected '{value}'");
            }
            foreach (var key in found.Keys.Where(k => !wanted.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal))
                differences.Add($"config '{key}' is set to '{found[key]}' on the topic but not in config");
        }
        return differences;
    }
}

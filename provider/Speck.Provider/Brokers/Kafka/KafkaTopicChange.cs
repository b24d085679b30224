using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Speck.Host.Resources;

namespace Speck.Provider.Brokers.Kafka;

/// <summary>
/// What it takes to bring an existing topic to the wanted settings in place: config entries set or deleted with
/// IncrementalAlterConfigs, and partitions grown with CreatePartitions. Kafka cannot remove partitions or (here)
/// reassign replicas: those are refused with the property named, never done by deleting the topic.
/// </summary>
public sealed class KafkaTopicChange
{
    private KafkaTopicChange(KafkaConnection connection, string topic, int? growTo, List<ConfigEntry> configOps, TopicSettings result)
    {
        Connection = connection;
        Topic = topic;
        GrowTo = growTo;
        ConfigOps = configOps;
        Result = result;
    }

    public KafkaConnection Connection { get; }
    public string Topic { get; }
    /// <summary>The new partition count, or null when partitions stay.</summary>
    public int? GrowTo { get; }
    public IReadOnlyList<ConfigEntry> ConfigOps { get; }
    /// <summary>The topic's settings once the change is applied.</summary>
    public TopicSettings Result { get; }

    public static KafkaTopicChange Plan(KafkaConnection connection, string topic, TopicSettings actual, TopicSettings wanted)
    {
        if (wanted.ReplicationFactor is { } rf && actual.ReplicationFactor != rf)
            throw ProviderException.Precondition(
                $"{connection}: topic '{topic}' has replication factor {actual.ReplicationFactor}, replicationFactor asks for {rf}: " +
                "a replication factor change replaces the topic; run `pulumi up` again so the plan shows the replacement");
        if (wanted.Partitions is { } p && actual.Partitions > p)
            throw ProviderException.Precondition(
                $"{connection}: topic '{topic}' has {actual.Partitions} partitions, partitions asks for {p}: Kafka cannot remove partitions. " +
                $"Set partitions to {actual.Partitions}, or set replaceOnPartitionDecrease to recreate the topic (its messages are lost)");
        int? growTo = wanted.Partitions is { } q && q > actual.Partitions ? q : null;

        var ops = new List<ConfigEntry>();
        var have = actual.Config ?? new Dictionary<string, string>();
        if (wanted.Config is { } config)
        {
            foreach (var (key, value) in config.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                if (!have.TryGetValue(key, out var current) || current != value)
                    ops.Add(new ConfigEntry { Name = key, Value = value, IncrementalOperation = AlterConfigOpType.Set });
            foreach (var key in have.Keys.Where(k => !config.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal))
                ops.Add(new ConfigEntry { Name = key, IncrementalOperation = AlterConfigOpType.Delete });
        }
        var result = new TopicSettings(growTo ?? actual.Partitions, actual.ReplicationFactor, wanted.Config ?? have);
        return new KafkaTopicChange(connection, topic, growTo, ops, result);
    }

    /// <summary>
    /// Asks the broker to validate both parts before doing either, so a refused partition count does not leave a
    /// config change applied on its own.
    /// </summary>
    public async Task ApplyAsync(IKafkaAdmin admin, TimeSpan timeout, CancellationToken ct)
    {
        if (ConfigOps.Count > 0 && GrowTo is not null)
        {
            await AlterConfigAsync(admin, timeout, validateOnly: true, ct);
            await GrowAsync(admin, timeout, validateOnly: true, ct);
        }
        if (ConfigOps.Count > 0) await AlterConfigAsync(admin, timeout, validateOnly: false, ct);
        if (GrowTo is not null)
        {
            try
            {
                await GrowAsync(admin, timeout, validateOnly: false, ct);
            }
            catch (ProviderException e) when (ConfigOps.Count > 0)
            {
                throw new ProviderException(e.Kind, $"{e.Message} (the config change was applied; the next update grows the partitions)", e);
            }
        }
    }

    private async Task AlterConfigAsync(IKafkaAdmin admin, TimeSpan timeout, bool validateOnly, CancellationToken ct)
    {
        var resource = new ConfigResource { Type = ResourceType.Topic, Name = Topic };
        try
        {
            await admin.IncrementalAlterConfigsAsync(new() { [resource] = ConfigOps.ToList() },
                new IncrementalAlterConfigsOptions { RequestTimeout = timeout, ValidateOnly = validateOnly }).WaitAsync(ct);
        }
        catch (KafkaException e)
        {
            var keys = string.Join(", ", ConfigOps.Select(o => o.Name));
            throw KafkaErrors.Map(e, Connection, $"changing config [{keys}] of topic '{Topic}'", write: !validateOnly);
        }
    }

    private async Task GrowAsync(IKafkaAdmin admin, TimeSpan timeout, bool validateOnly, CancellationToken ct)
    {
        try
        {
            await admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = Topic, IncreaseTo = GrowTo!.Value }],
                new CreatePartitionsOptions { RequestTimeout = timeout, OperationTimeout = timeout, ValidateOnly = validateOnly }).WaitAsync(ct);
        }
        catch (KafkaException e)
        {
            throw KafkaErrors.Map(e, Connection, $"growing topic '{Topic}' to {GrowTo} partitions", write: !validateOnly);
        }
    }
}

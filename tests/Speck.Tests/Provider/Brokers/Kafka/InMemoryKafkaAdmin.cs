using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Speck.Provider.Brokers.Kafka;

namespace Speck.Tests.Provider.Brokers.Kafka;

/// <summary>The cluster an <see cref="InMemoryKafkaAdmin"/> stands in for.</summary>
public sealed record InMemoryKafkaOptions
{
    public int Brokers { get; init; } = 3;
    /// <summary>The broker's <c>num.partitions</c>, used when CreateTopics asks for -1.</summary>
    public int DefaultPartitions { get; init; } = 1;
    /// <summary>The broker's <c>default.replication.factor</c>, used when CreateTopics asks for -1.</summary>
    public int DefaultReplicationFactor { get; init; } = 1;
    /// <summary>Topic configs overridden in the brokers' server.properties: they show with source StaticBrokerConfig.</summary>
    public IReadOnlyDictionary<string, string> StaticBrokerConfig { get; init; } = new Dictionary<string, string>();
    /// <summary>A <c>create.topic.policy.class.name</c>: the reason a topic is refused, or null.</summary>
    public Func<TopicSpecification, string?>? CreateTopicPolicy { get; init; }
    public bool DeleteTopicEnable { get; init; } = true;
    public string ClusterId { get; init; } = "inMemoryCluster0000000";
}

/// <summary>
/// A Kafka cluster in memory behind <see cref="IKafkaAdmin"/>, answering as a Kafka 3.x controller does and failing
/// the way Confluent.Kafka reports it: per-topic reports inside CreateTopicsException, DeleteTopicsException and the
/// others, with Kafka's error codes (TopicAlreadyExists, UnknownTopicOrPart, InvalidPartitions,
/// InvalidReplicationFactor, InvalidConfig, PolicyViolation, TopicException for an invalid or colliding name).
/// Changes are visible at once; a real cluster propagates metadata asynchronously.
/// </summary>
public sealed class InMemoryKafkaAdmin(InMemoryKafkaOptions? options = null) : IKafkaAdmin
{
    private sealed class TopicData(Uuid id, int partitions, int replicationFactor, Dictionary<string, string> configs)
    {
        public Uuid Id { get; } = id;
        public int Partitions { get; set; } = partitions;
        public int ReplicationFactor { get; } = replicationFactor;
        public Dictionary<string, string> Configs { get; } = configs;
    }

    private readonly InMemoryKafkaOptions _options = options ?? new();
    private readonly Dictionary<string, TopicData> _topics = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _nextId = 1;

    /// <summary>Every request that reached the cluster, e.g. <c>CreatePartitions orders 6</c>, for tests to check what was done.</summary>
    public List<string> Requests { get; } = [];

    public IKafkaAdmin Connect(KafkaConnection _) => this;

    public Metadata GetMetadata(TimeSpan timeout)
    {
        lock (_gate)
        {
            var topics = _topics.Select(t => new TopicMetadata(t.Key,
                Enumerable.Range(0, t.Value.Partitions).Select(p => new PartitionMetadata(p, Leader(p), Replicas(p, t.Value.ReplicationFactor), Replicas(p, t.Value.ReplicationFactor), new Error(ErrorCode.NoError))).ToList(),
                new Error(ErrorCode.NoError))).ToList();
            return new Metadata(Nodes().Select(n => new BrokerMetadata(n.Id, n.Host, n.Port)).ToList(), topics, 1, "127.0.0.1:9092/1");
        }
    }

    public Task<DescribeClusterResult> DescribeClusterAsync(DescribeClusterOptions options) =>
        Task.FromResult(new DescribeClusterResult { ClusterId = _options.ClusterId, Controller = Nodes()[0], Nodes = Nodes(), AuthorizedOperations = null });

    public async Task CreateTopicsAsync(IEnumerable<TopicSpecification> topics, CreateTopicsOptions options)
    {
        await Task.Yield();
        var reports = new List<CreateTopicReport>();
        lock (_gate)
        {
            foreach (var spec in topics)
            {
                Requests.Add($"CreateTopics {spec.Name} {spec.NumPartitions} {spec.ReplicationFactor}{(options.ValidateOnly ? " validateOnly" : "")}");
                var error = CreateProblem(spec, out var partitions, out var rf);
                if (error is null && !options.ValidateOnly)
                    _topics[spec.Name] = new TopicData(new Uuid(0, _nextId++), partitions, rf,
                        new Dictionary<string, string>(spec.Configs ?? [], StringComparer.Ordinal));
                reports.Add(new CreateTopicReport { Topic = spec.Name, Error = error ?? new Error(ErrorCode.NoError) });
            }
        }
        if (reports.Any(r => r.Error.IsError)) throw new CreateTopicsException(reports);
    }

    private Error? CreateProblem(TopicSpecification spec, out int partitions, out int rf)
    {
        partitions = spec.NumPartitions == -1 ? _options.DefaultPartitions : spec.NumPartitions;
        rf = spec.ReplicationFactor == -1 ? _options.DefaultReplicationFactor : spec.ReplicationFactor;
        if (KafkaTopicName.Validate(spec.Name) is { } invalid) return new Error(ErrorCode.TopicException, $"Topic name is invalid: {invalid}");
        if (_topics.ContainsKey(spec.Name)) return new Error(ErrorCode.TopicAlreadyExists, $"Topic '{spec.Name}' already exists.");
        var key = KafkaTopicName.CollisionKey(spec.Name);
        if (_topics.Keys.FirstOrDefault(t => KafkaTopicName.CollisionKey(t) == key) is { } other)
            return new Error(ErrorCode.TopicException, $"Topic '{spec.Name}' collides with existing topic: {other}");
        if (partitions <= 0) return new Error(ErrorCode.InvalidPartitions, "Number of partitions was set to an invalid non-positive value.");
        if (rf <= 0) return new Error(ErrorCode.InvalidReplicationFactor, "Replication factor must be larger than 0, or -1 to use the default value.");
        if (rf > _options.Brokers)
            return new Error(ErrorCode.InvalidReplicationFactor,
                $"Unable to replicate the partition {rf} time(s): The target replication factor of {rf} cannot be reached because only {_options.Brokers} broker(s) are registered.");
        foreach (var (name, value) in spec.Configs ?? [])
            if (KafkaTopicConfigDefs.Problem(name, value) is { } bad) return new Error(ErrorCode.InvalidConfig, bad);
        if (_options.CreateTopicPolicy?.Invoke(spec) is { } refused) return new Error(ErrorCode.PolicyViolation, refused);
        return null;
    }

    public async Task<DescribeTopicsResult> DescribeTopicsAsync(IEnumerable<string> topics, DescribeTopicsOptions options)
    {
        await Task.Yield();
        lock (_gate)
        {
            var descriptions = topics.Select(name => _topics.TryGetValue(name, out var t)
                ? new TopicDescription
                {
                    Name = name, TopicId = t.Id, Error = new Error(ErrorCode.NoError), IsInternal = false,
                    Partitions = Enumerable.Range(0, t.Partitions).Select(p => new TopicPartitionInfo
                    {
                        Partition = p, Leader = Nodes()[Leader(p) - 1],
                        Replicas = Replicas(p, t.ReplicationFactor).Select(id => Nodes()[id - 1]).ToList(),
                        ISR = Replicas(p, t.ReplicationFactor).Select(id => Nodes()[id - 1]).ToList(),
                    }).ToList(),
                }
                : new TopicDescription { Name = name, Error = UnknownTopic(), Partitions = [] }).ToList();
            if (descriptions.Any(d => d.Error.IsError))
                throw new DescribeTopicsException(new DescribeTopicsReport { TopicDescriptions = descriptions });
            return new DescribeTopicsResult { TopicDescriptions = descriptions };
        }
    }

    public async Task<List<DescribeConfigsResult>> DescribeConfigsAsync(IEnumerable<ConfigResource> resources, DescribeConfigsOptions options)
    {
        await Task.Yield();
        lock (_gate)
        {
            var reports = resources.Select(r => _topics.TryGetValue(r.Name, out var t)
                ? new DescribeConfigsReport { ConfigResource = r, Entries = Entries(t), Error = new Error(ErrorCode.NoError) }
                : new DescribeConfigsReport { ConfigResource = r, Entries = [], Error = UnknownTopic() }).ToList();
            if (reports.Any(r => r.Error.IsError)) throw new DescribeConfigsException(reports);
            return reports.Select(r => new DescribeConfigsResult { ConfigResource = r.ConfigResource, Entries = r.Entries }).ToList();
        }
    }

    /// <summary>Every topic config, with where its value comes from: the topic, the brokers' static config, or Kafka's default.</summary>
    private Dictionary<string, ConfigEntryResult> Entries(TopicData t) => KafkaTopicConfigDefs.Names.ToDictionary(name => name, name =>
    {
        var (value, source) = t.Configs.TryGetValue(name, out var own) ? (own, ConfigSource.DynamicTopicConfig)
            : _options.StaticBrokerConfig.TryGetValue(name, out var broker) ? (broker, ConfigSource.StaticBrokerConfig)
            : (KafkaTopicConfigDefs.DefaultOf(name), ConfigSource.DefaultConfig);
        return new ConfigEntryResult
        {
            Name = name, Value = value, Source = source, IsDefault = source == ConfigSource.DefaultConfig,
            IsReadOnly = false, IsSensitive = false, Synonyms = [],
        };
    });

    public async Task<List<IncrementalAlterConfigsResult>> IncrementalAlterConfigsAsync(Dictionary<ConfigResource, List<ConfigEntry>> configs, IncrementalAlterConfigsOptions options)
    {
        await Task.Yield();
        lock (_gate)
        {
            var reports = new List<IncrementalAlterConfigsReport>();
            foreach (var (resource, entries) in configs)
            {
                Requests.Add($"IncrementalAlterConfigs {resource.Name} {string.Join(" ", entries.Select(e => $"{e.IncrementalOperation}:{e.Name}"))}{(options.ValidateOnly ? " validateOnly" : "")}");
                var error = AlterProblem(resource, entries);
                if (error is null && !options.ValidateOnly) Alter(_topics[resource.Name].Configs, entries);
                reports.Add(new IncrementalAlterConfigsReport { ConfigResource = resource, Error = error ?? new Error(ErrorCode.NoError) });
            }
            if (reports.Any(r => r.Error.IsError)) throw new IncrementalAlterConfigsException(reports);
            return reports.Select(r => new IncrementalAlterConfigsResult { ConfigResource = r.ConfigResource }).ToList();
        }
    }

    private Error? AlterProblem(ConfigResource resource, List<ConfigEntry> entries)
    {
        if (resource.Type != ResourceType.Topic) return new Error(ErrorCode.InvalidRequest, $"Unexpected resource type {resource.Type}");
        if (!_topics.ContainsKey(resource.Name)) return UnknownTopic();
        if (entries.GroupBy(e => e.Name).Any(g => g.Count() > 1)) return new Error(ErrorCode.InvalidRequest, "Error due to duplicate config keys");
        foreach (var e in entries)
        {
            if (!KafkaTopicConfigDefs.IsKnown(e.Name)) return new Error(ErrorCode.InvalidConfig, $"Unknown topic config name: {e.Name}");
            if (e.IncrementalOperation is AlterConfigOpType.Append or AlterConfigOpType.Subtract && !KafkaTopicConfigDefs.IsList(e.Name))
                return new Error(ErrorCode.InvalidConfig, $"Config value append is not allowed for config key: {e.Name}");
            if (e.IncrementalOperation != AlterConfigOpType.Delete && KafkaTopicConfigDefs.Problem(e.Name, e.Value) is { } bad)
                return new Error(ErrorCode.InvalidConfig, bad);
        }
        return null;
    }

    private static void Alter(Dictionary<string, string> configs, List<ConfigEntry> entries)
    {
        foreach (var e in entries)
        {
            // Kafka appends to (or subtracts from) the topic's value, or the config's default when the topic has none.
            var current = configs.GetValueOrDefault(e.Name) ?? (KafkaTopicConfigDefs.IsKnown(e.Name) ? KafkaTopicConfigDefs.DefaultOf(e.Name) : "");
            var items = current.Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();
            switch (e.IncrementalOperation)
            {
                case AlterConfigOpType.Set: configs[e.Name] = e.Value; break;
                case AlterConfigOpType.Delete: configs.Remove(e.Name); break;
                case AlterConfigOpType.Append: configs[e.Name] = string.Join(",", items.Union(e.Value.Split(','))); break;
                case AlterConfigOpType.Subtract: configs[e.Name] = string.Join(",", items.Except(e.Value.Split(','))); break;
            }
        }
    }

    public async Task CreatePartitionsAsync(IEnumerable<PartitionsSpecification> partitions, CreatePartitionsOptions options)
    {
        await Task.Yield();
        var reports = new List<CreatePartitionsReport>();
        lock (_gate)
        {
            foreach (var spec in partitions)
            {
                Requests.Add($"CreatePartitions {spec.Topic} {spec.IncreaseTo}{(options.ValidateOnly ? " validateOnly" : "")}");
                Error? error = !_topics.TryGetValue(spec.Topic, out var t) ? UnknownTopic()
                    : spec.IncreaseTo == t.Partitions ? new Error(ErrorCode.InvalidPartitions, $"Topic already has {t.Partitions} partition(s).")
                    : spec.IncreaseTo < t.Partitions ? new Error(ErrorCode.InvalidPartitions,
                        $"The topic {spec.Topic} currently has {t.Partitions} partition(s); {spec.IncreaseTo} would not be an increase.")
                    : null;
                if (error is null && !options.ValidateOnly) t!.Partitions = spec.IncreaseTo;
                reports.Add(new CreatePartitionsReport { Topic = spec.Topic, Error = error ?? new Error(ErrorCode.NoError) });
            }
        }
        if (reports.Any(r => r.Error.IsError)) throw new CreatePartitionsException(reports);
    }

    public async Task DeleteTopicsAsync(IEnumerable<string> topics, DeleteTopicsOptions options)
    {
        await Task.Yield();
        var reports = new List<DeleteTopicReport>();
        lock (_gate)
        {
            foreach (var name in topics)
            {
                Requests.Add($"DeleteTopics {name}");
                var error = !_options.DeleteTopicEnable ? new Error(ErrorCode.TopicDeletionDisabled, "Topic deletion is disabled.")
                    : _topics.Remove(name) ? null : UnknownTopic();
                reports.Add(new DeleteTopicReport { Topic = name, Error = error ?? new Error(ErrorCode.NoError) });
            }
        }
        if (reports.Any(r => r.Error.IsError)) throw new DeleteTopicsException(reports);
    }

    /// <summary>The topic's id: a recreated topic gets a new one, a grown or reconfigured one keeps it.</summary>
    public Uuid? TopicId(string name)
    {
        lock (_gate) return _topics.TryGetValue(name, out var t) ? t.Id : null;
    }

    public void Dispose() { } // the cluster outlives its clients

    private static Error UnknownTopic() => new(ErrorCode.UnknownTopicOrPart, "This server does not host this topic-partition.");

    private int Leader(int partition) => partition % _options.Brokers + 1;

    private int[] Replicas(int partition, int rf) => Enumerable.Range(0, rf).Select(i => (partition + i) % _options.Brokers + 1).ToArray();

    private List<Node> Nodes() =>
        Enumerable.Range(1, _options.Brokers).Select(id => new Node { Id = id, Host = "127.0.0.1", Port = 9091 + id }).ToList();
}

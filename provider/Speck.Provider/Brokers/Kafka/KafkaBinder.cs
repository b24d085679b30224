using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Speck.Host.Resources;
using Speck.Provider.Model;

namespace Speck.Provider.Brokers.Kafka;

/// <summary>What a Kafka probe learnt: the brokers in the metadata, and the cluster id where the cluster tells it.</summary>
public sealed record KafkaClusterProbe(int BrokerCount, string? ClusterId);

/// <summary>How long Kafka admin work may take.</summary>
public sealed record KafkaBinderOptions
{
    public static KafkaBinderOptions Default { get; } = new();

    /// <summary>Request and operation timeout of each admin call.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a probe waits for the cluster id (DescribeCluster needs a controller; some clusters have none to offer).</summary>
    public TimeSpan ClusterIdTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Pause between reads while waiting for a created or deleted topic to show in metadata.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);
}

/// <summary>
/// Kafka clusters behind the resources. A topic is a real Kafka topic with partitions, a replication factor and
/// topic-level config, managed through <see cref="IKafkaAdmin"/>.
/// </summary>
public sealed class KafkaBinder(ConfigSource config, Func<KafkaConnection, IKafkaAdmin>? connect = null, KafkaBinderOptions? options = null)
    : IBrokerBinder
{
    private readonly Func<KafkaConnection, IKafkaAdmin> _connect = connect ?? ConfluentKafkaAdmin.Connect;
    private readonly KafkaBinderOptions _options = options ?? KafkaBinderOptions.Default;

    public BrokerKind Kind => BrokerKind.Kafka;

    public string? ValidateUrl(string url) => KafkaUrl.TryParse(url, out _, out var error) ? null : error;

    public string? ValidateTopicName(string name) => KafkaTopicName.Validate(name);

    public string? TopicNameWarning(string name) => KafkaTopicName.Warning(name);

    public async Task<BrokerProbe> ProbeAsync(BrokerEndpoint endpoint, CancellationToken ct)
    {
        var cluster = await ProbeClusterAsync(endpoint, ct);
        return new BrokerProbe(null, false, $"Kafka cluster {cluster.ClusterId ?? "(id not reported)"} with {cluster.BrokerCount} broker(s)");
    }

    /// <summary>Asks the cluster for its metadata within the probe timeout. Throws <see cref="EndpointUnreachableException"/>.</summary>
    public async Task<KafkaClusterProbe> ProbeClusterAsync(BrokerEndpoint endpoint, CancellationToken ct)
    {
        var timeout = config.Current.ProbeTimeout();
        var connection = KafkaConnection.For(endpoint, timeout);
        IKafkaAdmin admin;
        try { admin = _connect(connection); }
        catch (Exception e) when (e is KafkaException or ArgumentException or InvalidOperationException)
        {
            throw new EndpointUnreachableException($"{connection}: the client could not be set up: {e.Message}", e);
        }
        using var _ = admin;
        Metadata metadata;
        try
        {
            metadata = await Task.Run(() => admin.GetMetadata(timeout), ct).WaitAsync(ct);
        }
        catch (KafkaException e)
        {
            throw new EndpointUnreachableException($"{connection}: no metadata within {timeout.TotalSeconds:0.#} s: {e.Error.Reason} ({e.Error.Code})", e);
        }
        catch (OperationCanceledException e) when (ct.IsCancellationRequested)
        {
            throw new EndpointUnreachableException($"{connection}: no metadata before the probe's deadline", e);
        }
        if (metadata.Brokers.Count == 0)
            throw new EndpointUnreachableException($"{connection}: the cluster reported no brokers");
        return new KafkaClusterProbe(metadata.Brokers.Count, await ClusterIdAsync(admin, ct));
    }

    private async Task<string?> ClusterIdAsync(IKafkaAdmin admin, CancellationToken ct)
    {
        try
        {
            var cluster = await admin.DescribeClusterAsync(new DescribeClusterOptions { RequestTimeout = _options.ClusterIdTimeout })
                .WaitAsync(_options.ClusterIdTimeout + TimeSpan.FromSeconds(1), ct);
            return cluster.ClusterId;
        }
        catch (Exception e) when (e is KafkaException or TimeoutException || (e is OperationCanceledException && ct.IsCancellationRequested))
        {
            return null; // older brokers, and clusters without a controller to ask, do not tell
        }
    }

    public async Task<TopicRecord> CreateTopicAsync(BrokerEndpoint endpoint, TopicRequest request, CancellationToken ct)
    {
        var wanted = request.Settings ?? new TopicSettings(null, null, null);
        var (connection, admin) = Open(endpoint);
        using var _ = admin;
        // Reading first bounds an unreachable cluster by the probe timeout, not by the create's operation timeout.
        if (await DescribeAsync(admin, connection, request.Name, ct) is { } existing)
            return Adopt(connection, request, wanted, existing);
        var spec = new TopicSpecification
        {
            Name = request.Name,
            NumPartitions = wanted.Partitions ?? -1,
            ReplicationFactor = (short)(wanted.ReplicationFactor ?? -1),
            Configs = wanted.Config?.ToDictionary(kv => kv.Key, kv => kv.Value),
        };
        try
        {
            await admin.CreateTopicsAsync([spec], new CreateTopicsOptions
            {
                RequestTimeout = _options.OperationTimeout,
                OperationTimeout = _options.OperationTimeout,
            }).WaitAsync(ct);
        }
        catch (CreateTopicsException e) when (KafkaErrors.CodeOf(e) == ErrorCode.TopicAlreadyExists)
        {
            var raced = await DescribeAsync(admin, connection, request.Name, ct)
                ?? throw ProviderException.Precondition($"{connection}: topic '{request.Name}' is being deleted; try again once it is gone");
            return Adopt(connection, request, wanted, raced);
        }
        catch (KafkaException e)
        {
            throw KafkaErrors.Map(e, connection, $"creating topic '{request.Name}'", write: true);
        }
        var actual = await WaitForAsync(admin, connection, request.Name, present: true, ct);
        var notes = actual is null ? new[] { $"topic '{request.Name}' was created but is not yet in the cluster's metadata" } : [];
        return new TopicRecord(request.Name, request.OwnerTag, null, null, []) { Settings = actual ?? wanted, Notes = notes };
    }

    /// <summary>An existing topic is taken over only when it already is what was asked for; anything else is the user's call.</summary>
    private static TopicRecord Adopt(KafkaConnection connection, TopicRequest request, TopicSettings wanted, TopicSettings actual)
    {
        var differences = wanted.DifferencesFrom(actual);
        if (differences.Count > 0)
            throw ProviderException.Precondition(
                $"{connection}: topic '{request.Name}' already exists with other settings ({string.Join("; ", differences)}). " +
                "Import it (`pulumi import speck:index:Topic <name> '<site>/<topic>?tier=…&spe=…&broker=…'`) or make the inputs match to adopt it");
        return new TopicRecord(request.Name, request.OwnerTag, null, null, [])
        {
            Settings = actual,
            Notes = [$"topic '{request.Name}' already existed with these settings and was adopted: deleting this resource deletes the topic"],
        };
    }

    public async Task<TopicRecord?> ReadTopicAsync(BrokerEndpoint endpoint, TopicRecord recorded, CancellationToken ct)
    {
        var (connection, admin) = Open(endpoint);
        using var _ = admin;
        var actual = await DescribeAsync(admin, connection, recorded.Name, ct);
        if (actual is null) return null;
        var drift = recorded.Settings?.DifferencesFrom(actual) ?? [];
        return new TopicRecord(recorded.Name, recorded.OwnerTag, null, null, drift) { Settings = actual };
    }

    public async Task<TopicRecord> UpdateTopicAsync(BrokerEndpoint endpoint, TopicRecord recorded, TopicRequest request, CancellationToken ct)
    {
        var (connection, admin) = Open(endpoint);
        using (admin)
        {
            if (await DescribeAsync(admin, connection, request.Name, ct) is { } actual)
            {
                var change = KafkaTopicChange.Plan(connection, request.Name, actual, request.Settings ?? new TopicSettings(null, null, null));
                await change.ApplyAsync(admin, _options.OperationTimeout, ct);
                return new TopicRecord(request.Name, recorded.OwnerTag, null, null, []) { Settings = change.Result };
            }
        }
        return await CreateTopicAsync(endpoint, request, ct); // deleted behind Pulumi's back: make it again
    }

    public async Task<IReadOnlyList<string>> DeleteTopicAsync(BrokerEndpoint endpoint, TopicRecord recorded, CancellationToken ct)
    {
        var (connection, admin) = Open(endpoint);
        using var _ = admin;
        // Reading first: a topic already gone needs no delete, and an unreachable cluster fails within the probe timeout.
        if (await DescribeAsync(admin, connection, recorded.Name, ct) is null) return [];
        try
        {
            await admin.DeleteTopicsAsync([recorded.Name], new DeleteTopicsOptions
            {
                RequestTimeout = _options.OperationTimeout,
                OperationTimeout = _options.OperationTimeout,
            }).WaitAsync(ct);
        }
        catch (DeleteTopicsException e) when (KafkaErrors.CodeOf(e) == ErrorCode.UnknownTopicOrPart)
        {
            return [];
        }
        catch (KafkaException e)
        {
            throw KafkaErrors.Map(e, connection, $"deleting topic '{recorded.Name}'", write: true);
        }
        // Kafka deletes asynchronously; a replacement that creates the same name must not meet the old topic.
        var left = await WaitForAsync(admin, connection, recorded.Name, present: false, ct);
        return left is null ? [] : [$"topic '{recorded.Name}' is marked for deletion but still in the cluster's metadata"];
    }

    /// <summary>
    /// The topic's settings with only the config entries set on the topic itself, or null when it does not exist.
    /// A read is answered at once by a live cluster, so it waits no longer than the provider's probe timeout: every
    /// operation starts with one, and a dead broker fails it in that time instead of the operation timeout.
    /// </summary>
    private async Task<TopicSettings?> DescribeAsync(IKafkaAdmin admin, KafkaConnection connection, string name, CancellationToken ct)
    {
        var patience = config.Current.ProbeTimeout();
        var what = $"reading topic '{name}' (waited up to {patience.TotalSeconds:0.#} s, the provider's probeTimeoutSeconds)";
        // librdkafka bounds admin requests by RequestTimeout; the extra second only guards against it not doing so.
        var guard = patience + TimeSpan.FromSeconds(1);
        try
        {
            var described = await admin.DescribeTopicsAsync([name], new DescribeTopicsOptions { RequestTimeout = patience }).WaitAsync(guard, ct);
            var topic = described.TopicDescriptions.Single(t => t.Name == name);
            var configs = await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = name }],
                new DescribeConfigsOptions { RequestTimeout = patience }).WaitAsync(guard, ct);
            // Broker defaults (static, dynamic-default or built in) are not the topic's own settings: they never count as drift.
            var own = configs.Single().Entries.Values
                .Where(e => e.Source == Confluent.Kafka.Admin.ConfigSource.DynamicTopicConfig && !e.IsSensitive)
                .ToDictionary(e => e.Name, e => e.Value, StringComparer.Ordinal);
            var replicas = topic.Partitions.Count == 0 ? 0 : topic.Partitions.Max(p => p.Replicas.Count);
            return new TopicSettings(topic.Partitions.Count, replicas, own);
        }
        catch (KafkaException e) when (KafkaErrors.CodeOf(e) == ErrorCode.UnknownTopicOrPart)
        {
            return null;
        }
        catch (KafkaException e)
        {
            throw KafkaErrors.Map(e, connection, what, write: false);
        }
        catch (TimeoutException e)
        {
            throw ProviderException.Unavailable($"{connection}: {what} failed: no answer", e);
        }
    }

    /// <summary>Waits, within the operation timeout, until metadata shows the topic (or its absence); returns what was last seen.</summary>
    private async Task<TopicSettings?> WaitForAsync(IKafkaAdmin admin, KafkaConnection connection, string name, bool present, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + _options.OperationTimeout;
        while (true)
        {
            var seen = await DescribeAsync(admin, connection, name, ct);
            if ((seen is not null) == present || DateTime.UtcNow >= deadline) return seen;
            await Task.Delay(_options.PollInterval, ct);
        }
    }

    private (KafkaConnection Connection, IKafkaAdmin Admin) Open(BrokerEndpoint endpoint)
    {
        var connection = KafkaConnection.For(endpoint, _options.OperationTimeout);
        try
        {
            return (connection, _connect(connection));
        }
        catch (Exception e) when (e is KafkaException or ArgumentException or InvalidOperationException)
        {
            throw ProviderException.Invalid($"{connection}: the client could not be set up: {e.Message}");
        }
    }
}

using Confluent.Kafka;
using Speck.Host.Resources;
using Speck.Provider;
using Speck.Provider.Brokers;
using Speck.Provider.Brokers.Kafka;
using Speck.Provider.Model;

namespace Speck.Tests.Provider.Brokers.Kafka;

/// <summary>
/// Real Kafka protocol through librdkafka's mock cluster: metadata, produce and consume. The mock serves no admin
/// API (no CreateTopics, DescribeConfigs, CreatePartitions, IncrementalAlterConfigs, DeleteTopics), so topic
/// management is tested against <see cref="InMemoryKafkaAdmin"/> instead.
/// </summary>
public class KafkaMockClusterTests(KafkaMockCluster mock) : IClassFixture<KafkaMockCluster>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private BrokerEndpoint Endpoint => new() { Kind = BrokerKind.Kafka, Url = "kafka://" + mock.BootstrapServers };

    private static KafkaBinder Binder(KafkaBinderOptions? options = null) =>
        new(new ConfigSource(), options: options ?? new KafkaBinderOptions { ClusterIdTimeout = TimeSpan.FromMilliseconds(500) });

    [Fact]
    public async Task The_probe_reads_the_clusters_metadata()
    {
        var probe = await Binder().ProbeClusterAsync(Endpoint, CancellationToken.None);
        Assert.Equal(mock.Brokers, probe.BrokerCount);

        var summary = await Binder().ProbeAsync(Endpoint, CancellationToken.None);
        Assert.Contains($"with {mock.Brokers} broker(s)", summary.Summary);
        Assert.False(summary.AccessControl);
    }

    [Fact]
    public async Task Messages_produced_to_a_topic_are_consumed_back_in_order()
    {
        var topic = $"speck.roundtrip.{Guid.NewGuid():N}";
        var sent = Enumerable.Range(1, 5).Select(i => $"reading-{i}").ToList();
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = mock.BootstrapServers, Acks = Acks.All, EnableIdempotence = true, MessageTimeoutMs = (int)Patience.TotalMilliseconds,
        }).Build())
        {
            foreach (var value in sent)
            {
                var result = await producer.ProduceAsync(topic, new Message<string, string> { Key = "sensor-1", Value = value });
                Assert.Equal(PersistenceStatus.Persisted, result.Status);
            }
        }

        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = mock.BootstrapServers, GroupId = $"g-{Guid.NewGuid():N}", AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        var received = new List<string>();
        var deadline = DateTime.UtcNow + Patience;
        while (received.Count < sent.Count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(500)) is { Message: { } m } result)
            {
                Assert.Equal("sensor-1", m.Key);
                received.Add(m.Value);
                consumer.Commit(result);
            }
        }
        consumer.Close();
        Assert.Equal(sent, received);
    }

    [Fact]
    public async Task The_in_memory_cluster_describes_a_topic_as_the_mock_brokers_do()
    {
        // The mock creates an unknown topic on a metadata request: 4 partitions, replication factor min(3, brokers).
        var topic = $"speck.parity.{Guid.NewGuid():N}";
        using var client = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = mock.BootstrapServers }).Build();
        var deadline = DateTime.UtcNow + Patience;
        Metadata fromMock;
        do fromMock = client.GetMetadata(topic, TimeSpan.FromSeconds(10));
        while (fromMock.Topics.Single().Partitions.Count == 0 && DateTime.UtcNow < deadline);

        var memory = new InMemoryKafkaAdmin(new InMemoryKafkaOptions { Brokers = mock.Brokers });
        await memory.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification { Name = topic, NumPartitions = 4, ReplicationFactor = 3 }], new());
        var fromMemory = memory.GetMetadata(TimeSpan.FromSeconds(1));

        foreach (var metadata in new[] { fromMock, fromMemory })
        {
            Assert.Equal(Enumerable.Range(1, mock.Brokers), metadata.Brokers.Select(b => b.BrokerId).Order());
            var described = metadata.Topics.Single(t => t.Topic == topic);
            Assert.Equal(ErrorCode.NoError, described.Error.Code);
            Assert.Equal([0, 1, 2, 3], described.Partitions.Select(p => p.PartitionId).Order());
            Assert.All(described.Partitions, p =>
            {
                Assert.Equal(3, p.Replicas.Distinct().Count());
                Assert.Contains(p.Leader, p.Replicas);
                Assert.All(p.Replicas, r => Assert.Contains(r, metadata.Brokers.Select(b => b.BrokerId)));
            });
        }
    }

    [Fact]
    public async Task Topic_admin_against_the_mock_fails_as_a_clean_provider_error_naming_the_cluster()
    {
        var config = new ConfigSource();
        config.Set(new ProviderConfig { ProbeTimeoutSeconds = 2 });
        var binder = new KafkaBinder(config, options: new KafkaBinderOptions { OperationTimeout = TimeSpan.FromSeconds(2), ClusterIdTimeout = TimeSpan.FromMilliseconds(500) });

        var e = await Assert.ThrowsAsync<ProviderException>(() =>
            binder.CreateTopicAsync(Endpoint, new TopicRequest("speck.admin", "owner", new TopicSettings(3, 3, null)), CancellationToken.None));

        Assert.Contains(mock.BootstrapServers, e.Message);
        // The mock serves metadata, produce and consume only: the read every operation starts with gets no answer,
        // so the create is never sent and the provider says the cluster is unavailable, not that the outcome is unknown.
        Assert.Contains("reading topic 'speck.admin'", e.Message);
        Assert.Equal(FailureKind.Unavailable, e.Kind);
    }
}

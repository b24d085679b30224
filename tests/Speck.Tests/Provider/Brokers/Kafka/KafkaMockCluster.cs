using Confluent.Kafka;

namespace Speck.Tests.Provider.Brokers.Kafka;

/// <summary>
/// librdkafka's mock cluster (<c>test.mock.num.brokers</c>): real Kafka-protocol brokers on loopback for metadata,
/// produce and consume. It has no admin API (CreateTopics, DescribeConfigs, CreatePartitions... are not served; see
/// docs/kafka.md §Mock cluster), auto-creates unknown topics with 4 partitions, and lives exactly as long as the client
/// that hosts it. The bootstrap list is read from the log line librdkafka writes while building that client.
/// </summary>
public sealed class KafkaMockCluster : IDisposable
{
    private const string Marker = "replaced with ";
    private readonly IProducer<Null, Null> _host;

    /// <summary>A mock cluster of three brokers (so replication factor 3 is possible).</summary>
    public KafkaMockCluster()
    {
        const int brokers = 3;
        string? line = null;
        var config = new ProducerConfig { BootstrapServers = "ignored:9092" };
        config.Set("test.mock.num.brokers", brokers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _host = new ProducerBuilder<Null, Null>(config)
            .SetLogHandler((_, m) => { if (m.Message.Contains("Mock cluster enabled", StringComparison.Ordinal)) line = m.Message; })
            .Build();
        var at = line?.IndexOf(Marker, StringComparison.Ordinal) ?? -1;
        if (at < 0) throw new InvalidOperationException($"librdkafka did not log the mock cluster's bootstrap list (saw: {line ?? "nothing"})");
        BootstrapServers = line![(at + Marker.Length)..].Trim();
        Brokers = brokers;
    }

    /// <summary><c>127.0.0.1:port,127.0.0.1:port,...</c></summary>
    public string BootstrapServers { get; }
    public int Brokers { get; }

    public void Dispose() => _host.Dispose();
}

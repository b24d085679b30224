using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Speck.Provider.Brokers.Kafka;

/// <summary>
/// The few Kafka admin operations the provider uses, with Confluent.Kafka's own types, results and exceptions
/// (<see cref="CreateTopicsException"/> with per-topic reports and so on), so the binder is tested against an
/// in-memory cluster that fails exactly as <see cref="IAdminClient"/> does.
/// </summary>
public interface IKafkaAdmin : IDisposable
{
    /// <summary>Brokers and topics as one broker knows them; blocks up to <paramref name="timeout"/>.</summary>
    Metadata GetMetadata(TimeSpan timeout);
    Task<DescribeClusterResult> DescribeClusterAsync(DescribeClusterOptions options);
    Task CreateTopicsAsync(IEnumerable<TopicSpecification> topics, CreateTopicsOptions options);
    Task<DescribeTopicsResult> DescribeTopicsAsync(IEnumerable<string> topics, DescribeTopicsOptions options);
    Task<List<DescribeConfigsResult>> DescribeConfigsAsync(IEnumerable<ConfigResource> resources, DescribeConfigsOptions options);
    Task<List<IncrementalAlterConfigsResult>> IncrementalAlterConfigsAsync(Dictionary<ConfigResource, List<ConfigEntry>> configs, IncrementalAlterConfigsOptions options);
    Task CreatePartitionsAsync(IEnumerable<PartitionsSpecification> partitions, CreatePartitionsOptions options);
    Task DeleteTopicsAsync(IEnumerable<string> topics, DeleteTopicsOptions options);
}

/// <summary>The real thing: Confluent.Kafka's admin client over librdkafka.</summary>
public sealed class ConfluentKafkaAdmin(IAdminClient client) : IKafkaAdmin
{
    /// <summary>An admin client for a site's broker; librdkafka's log goes nowhere (errors surface as exceptions).</summary>
    public static IKafkaAdmin Connect(KafkaConnection connection) =>
        new ConfluentKafkaAdmin(new AdminClientBuilder(connection.AdminConfig()).SetLogHandler((_, _) => { }).Build());

    public Metadata GetMetadata(TimeSpan timeout) => client.GetMetadata(timeout);
    public Task<DescribeClusterResult> DescribeClusterAsync(DescribeClusterOptions options) => client.DescribeClusterAsync(options);
    public Task CreateTopicsAsync(IEnumerable<TopicSpecification> topics, CreateTopicsOptions options) => client.CreateTopicsAsync(topics, options);
    public Task<DescribeTopicsResult> DescribeTopicsAsync(IEnumerable<string> topics, DescribeTopicsOptions options) =>
        client.DescribeTopicsAsync(TopicCollection.OfTopicNames(topics), options);
    public Task<List<DescribeConfigsResult>> DescribeConfigsAsync(IEnumerable<ConfigResource> resources, DescribeConfigsOptions options) =>
        client.DescribeConfigsAsync(resources, options);
    public Task<List<IncrementalAlterConfigsResult>> IncrementalAlterConfigsAsync(Dictionary<ConfigResource, List<ConfigEntry>> configs, IncrementalAlterConfigsOptions options) =>
        client.IncrementalAlterConfigsAsync(configs, options);
    public Task CreatePartitionsAsync(IEnumerable<PartitionsSpecification> partitions, CreatePartitionsOptions options) =>
        client.CreatePartitionsAsync(partitions, options);
    public Task DeleteTopicsAsync(IEnumerable<string> topics, DeleteTopicsOptions options) => client.DeleteTopicsAsync(topics, options);
    public void Dispose() => client.Dispose();
}

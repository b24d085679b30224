using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Speck.Provider.Brokers.Kafka;

namespace Speck.Tests.Provider.Brokers.Kafka;

/// <summary>
/// The in-memory cluster answers as Kafka and Confluent.Kafka are documented to (docs/kafka.md §Topic names and
/// §Topic changes Kafka allows): it must never accept what a real cluster refuses, or the Topic tests would prove
/// nothing.
/// </summary>
[Trait("Category", "Unit")]
public class InMemoryKafkaAdminTests
{
    private readonly InMemoryKafkaAdmin _admin = new(new InMemoryKafkaOptions { Brokers = 3 });

    private static TopicSpecification Spec(string name, int partitions = 1, short rf = 1, Dictionary<string, string>? configs = null) =>
        new() { Name = name, NumPartitions = partitions, ReplicationFactor = rf, Configs = configs };

    private static ConfigResource Topic(string name) => new() { Type = ResourceType.Topic, Name = name };

    [Fact]
    public async Task CreateTopicsException_reports_every_topic_of_the_request_and_the_valid_ones_are_created()
    {
        var e = await Assert.ThrowsAsync<CreateTopicsException>(() => _admin.CreateTopicsAsync([Spec("good"), Spec("bad", partitions: 0)], new()));

        Assert.Equal(["bad", "good"], e.Results.Select(r => r.Topic).Order());
        Assert.Equal(ErrorCode.NoError, e.Results.Single(r => r.Topic == "good").Error.Code);
        Assert.Equal(ErrorCode.InvalidPartitions, e.Results.Single(r => r.Topic == "bad").Error.Code);
        Assert.Equal(ErrorCode.InvalidPartitions, KafkaErrors.CodeOf(e));
        Assert.NotNull(_admin.TopicId("good"));
        Assert.Null(_admin.TopicId("bad"));
    }

    [Theory]
    [InlineData("a/b", ErrorCode.TopicException)]
    [InlineData("..", ErrorCode.TopicException)]
    [InlineData("dup", ErrorCode.TopicAlreadyExists)]
    [InlineData("dup.x_y", ErrorCode.TopicException)]
    public async Task Names_are_refused_as_kafka_refuses_them(string name, ErrorCode code)
    {
        await _admin.CreateTopicsAsync([Spec("dup"), Spec("dup_x.y")], new());
        var e = await Assert.ThrowsAsync<CreateTopicsException>(() => _admin.CreateTopicsAsync([Spec(name)], new()));
        Assert.Equal(code, KafkaErrors.CodeOf(e));
    }

    [Fact]
    public async Task Replication_beyond_the_brokers_and_bad_or_unknown_configs_are_refused()
    {
        var rf = await Assert.ThrowsAsync<CreateTopicsException>(() => _admin.CreateTopicsAsync([Spec("t", rf: 4)], new()));
        Assert.Equal(ErrorCode.InvalidReplicationFactor, KafkaErrors.CodeOf(rf));
        var zero = await Assert.ThrowsAsync<CreateTopicsException>(() => _admin.CreateTopicsAsync([Spec("t", rf: 0)], new()));
        Assert.Equal(ErrorCode.InvalidReplicationFactor, KafkaErrors.CodeOf(zero));
        foreach (var (key, value) in new[] { ("retention.ms", "soon"), ("cleanup.policy", "archive"), ("min.insync.replicas", "0"), ("retention.hours", "1") })
        {
            var e = await Assert.ThrowsAsync<CreateTopicsException>(() => _admin.CreateTopicsAsync([Spec("t", configs: new() { [key] = value })], new()));
            Assert.Equal(ErrorCode.InvalidConfig, KafkaErrors.CodeOf(e));
        }
        Assert.Null(_admin.TopicId("t"));
    }

    [Fact]
    public async Task Validate_only_checks_without_creating()
    {
        await _admin.CreateTopicsAsync([Spec("dry")], new CreateTopicsOptions { ValidateOnly = true });
        Assert.Null(_admin.TopicId("dry"));
    }

    [Fact]
    public async Task Partitions_only_grow()
    {
        await _admin.CreateTopicsAsync([Spec("p", partitions: 4)], new());
        foreach (var to in new[] { 4, 2 })
        {
            var e = await Assert.ThrowsAsync<CreatePartitionsException>(() =>
                _admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = "p", IncreaseTo = to }], new()));
            Assert.Equal(ErrorCode.InvalidPartitions, KafkaErrors.CodeOf(e));
        }
        await _admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = "p", IncreaseTo = 6 }], new());
        Assert.Equal(6, (await _admin.DescribeTopicsAsync(["p"], new())).TopicDescriptions.Single().Partitions.Count);
    }

    [Fact]
    public async Task Unknown_topics_are_UnknownTopicOrPart_for_every_operation()
    {
        var codes = new List<ErrorCode>
        {
            KafkaErrors.CodeOf(await Assert.ThrowsAsync<DescribeTopicsException>(() => _admin.DescribeTopicsAsync(["nope"], new()))),
            KafkaErrors.CodeOf(await Assert.ThrowsAsync<DescribeConfigsException>(() => _admin.DescribeConfigsAsync([Topic("nope")], new()))),
            KafkaErrors.CodeOf(await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => _admin.IncrementalAlterConfigsAsync(
                new() { [Topic("nope")] = [new ConfigEntry { Name = "retention.ms", Value = "1", IncrementalOperation = AlterConfigOpType.Set }] }, new()))),
            KafkaErrors.CodeOf(await Assert.ThrowsAsync<CreatePartitionsException>(() =>
                _admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = "nope", IncreaseTo = 2 }], new()))),
            KafkaErrors.CodeOf(await Assert.ThrowsAsync<DeleteTopicsException>(() => _admin.DeleteTopicsAsync(["nope"], new()))),
        };
        Assert.All(codes, c => Assert.Equal(ErrorCode.UnknownTopicOrPart, c));
    }

    [Fact]
    public async Task DescribeConfigs_lists_every_topic_config_with_its_source_and_only_topic_settings_are_dynamic()
    {
        var admin = new InMemoryKafkaAdmin(new InMemoryKafkaOptions { StaticBrokerConfig = new Dictionary<string, string> { ["compression.type"] = "lz4" } });
        await admin.CreateTopicsAsync([Spec("c", configs: new() { ["retention.ms"] = "1000" })], new());

        var entries = (await admin.DescribeConfigsAsync([Topic("c")], new())).Single().Entries;

        Assert.Equal("c", (await admin.DescribeConfigsAsync([Topic("c")], new())).Single().ConfigResource.Name);
        Assert.Equal(["retention.ms"], entries.Values.Where(e => e.Source == ConfigSource.DynamicTopicConfig).Select(e => e.Name));
        Assert.Equal((ConfigSource.StaticBrokerConfig, false), (entries["compression.type"].Source, entries["compression.type"].IsDefault));
        Assert.Equal(("delete", ConfigSource.DefaultConfig, true), (entries["cleanup.policy"].Value, entries["cleanup.policy"].Source, entries["cleanup.policy"].IsDefault));
    }

    [Fact]
    public async Task Incremental_alter_sets_deletes_and_appends_only_to_lists()
    {
        await _admin.CreateTopicsAsync([Spec("a", configs: new() { ["retention.ms"] = "1000" })], new());
        Task<List<IncrementalAlterConfigsResult>> Alter(params ConfigEntry[] entries) =>
            _admin.IncrementalAlterConfigsAsync(new() { [Topic("a")] = entries.ToList() }, new());

        await Alter(new ConfigEntry { Name = "retention.ms", IncrementalOperation = AlterConfigOpType.Delete },
            new ConfigEntry { Name = "segment.ms", IncrementalOperation = AlterConfigOpType.Delete },
            new ConfigEntry { Name = "cleanup.policy", Value = "compact", IncrementalOperation = AlterConfigOpType.Append });
        var entries = (await _admin.DescribeConfigsAsync([Topic("a")], new())).Single().Entries;
        Assert.Equal(ConfigSource.DefaultConfig, entries["retention.ms"].Source);
        Assert.Equal("delete,compact", entries["cleanup.policy"].Value);

        var append = await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() =>
            Alter(new ConfigEntry { Name = "retention.ms", Value = "5", IncrementalOperation = AlterConfigOpType.Append }));
        Assert.Equal(ErrorCode.InvalidConfig, KafkaErrors.CodeOf(append));
        var duplicate = await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() =>
            Alter(new ConfigEntry { Name = "retention.ms", Value = "5" }, new ConfigEntry { Name = "retention.ms", Value = "6" }));
        Assert.Equal(ErrorCode.InvalidRequest, KafkaErrors.CodeOf(duplicate));
        var unknown = await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => Alter(new ConfigEntry { Name = "retention.hours", Value = "5" }));
        Assert.Equal(ErrorCode.InvalidConfig, KafkaErrors.CodeOf(unknown));
    }

    [Fact]
    public async Task Defaults_are_used_for_minus_one_and_a_recreated_topic_gets_a_new_id()
    {
        var admin = new InMemoryKafkaAdmin(new InMemoryKafkaOptions { DefaultPartitions = 2, DefaultReplicationFactor = 3 });
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "d", NumPartitions = -1, ReplicationFactor = -1 }], new());
        var d = (await admin.DescribeTopicsAsync(["d"], new())).TopicDescriptions.Single();
        Assert.Equal((2, 3), (d.Partitions.Count, d.Partitions[0].Replicas.Count));

        await admin.DeleteTopicsAsync(["d"], new());
        await admin.CreateTopicsAsync([Spec("d")], new());
        Assert.NotEqual(d.TopicId, admin.TopicId("d"));
    }
}

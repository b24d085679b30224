using Confluent.Kafka.Admin;
using Grpc.Core;
using Speck.Host.Resources;
using Speck.Host.Values;
using static Speck.Tests.Provider.Brokers.Kafka.KafkaTopicDriver;
using static Speck.Tests.Provider.Resources.ResourceDriver;

namespace Speck.Tests.Provider.Brokers.Kafka;

/// <summary>The Topic resource on a Kafka site, against the in-memory cluster (the mock cluster has no admin API).</summary>
[Trait("Category", "Unit")]
public class KafkaTopicTests
{
    private readonly KafkaTopicDriver _k = new();

    private static Dictionary<string, string> Cfg(params (string Key, string Value)[] entries) => entries.ToDictionary(e => e.Key, e => e.Value);

    private async Task<(int Partitions, int ReplicationFactor, Dictionary<string, string> Own)> OnBroker(string name)
    {
        var topic = (await _k.Admin.DescribeTopicsAsync([name], new())).TopicDescriptions.Single();
        var configs = (await _k.Admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = name }], new())).Single();
        var own = configs.Entries.Values.Where(e => e.Source == ConfigSource.DynamicTopicConfig).ToDictionary(e => e.Name, e => e.Value);
        return (topic.Partitions.Count, topic.Partitions[0].Replicas.Count, own);
    }

    [Fact]
    public async Task Create_makes_the_topic_with_its_partitions_replication_factor_and_config()
    {
        var config = Cfg(("retention.ms", "3600000"), ("cleanup.policy", "compact"));
        var d = await _k.CreateAsync(Inputs("orders", partitions: 3, replicationFactor: 2, config: config));

        Assert.Equal($"{SiteName}/orders", d.Id);
        var (partitions, rf, own) = await OnBroker("orders");
        Assert.Equal((3, 2), (partitions, rf));
        Assert.Equal(config, own);
        Assert.Equal((3, 2, true), (d.ActualPartitions, d.ActualReplicationFactor, d.InSync));
        Assert.Equal("3600000", d.Outputs["config"].AsObject["retention.ms"].AsString);
    }

    [Fact]
    public async Task Omitted_settings_take_the_brokers_defaults_and_the_outputs_say_which()
    {
        var k = new KafkaTopicDriver(new InMemoryKafkaOptions { DefaultPartitions = 6, DefaultReplicationFactor = 3 });
        var d = await k.CreateAsync(Inputs("defaults"));

        Assert.Contains("CreateTopics defaults -1 -1", k.Admin.Requests);
        Assert.Equal((6, 3), (d.ActualPartitions, d.ActualReplicationFactor));
        Assert.False(d.Outputs.ContainsKey("partitions"));
    }

    [Fact]
    public async Task More_partitions_are_added_in_place_and_the_topic_is_not_recreated()
    {
        var d = await _k.CreateAsync(Inputs("grow", partitions: 3));
        var id = _k.Admin.TopicId("grow");

        var news = Inputs("grow", partitions: 6);
        var diff = await _k.DiffAsync(d, news);
        Assert.Equal(DiffKind.Update, diff.Detailed["partitions"]);
        Assert.Empty(diff.Replaces);

        d = await _k.UpdateAsync(d, news);
        Assert.Equal(6, (await OnBroker("grow")).Partitions);
        Assert.Equal(6, d.ActualPartitions);
        Assert.Equal(id, _k.Admin.TopicId("grow"));
        Assert.Contains("CreatePartitions grow 6", _k.Admin.Requests);
        Assert.DoesNotContain(_k.Admin.Requests, r => r.StartsWith("DeleteTopics", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fewer_partitions_are_refused_in_preview_naming_the_property_and_nothing_changes()
    {
        var d = await _k.CreateAsync(Inputs("shrink", partitions: 6));

        var e = await Assert.ThrowsAsync<ProviderException>(() => _k.DiffAsync(d, Inputs("shrink", partitions: 2)));
        Assert.Equal(FailureKind.InvalidInput, e.Kind);
        Assert.StartsWith("partitions:", e.Message);
        Assert.Contains("replaceOnPartitionDecrease", e.Message);
        Assert.Contains("has 6 partitions", e.Message);
        Assert.Equal(6, (await OnBroker("shrink")).Partitions);

        // Even if the diff were skipped, Update refuses rather than deleting the topic.
        var u = await Assert.ThrowsAsync<ProviderException>(() => _k.UpdateAsync(d, Inputs("shrink", partitions: 2)));
        Assert.Contains("partitions asks for 2", u.Message);
        Assert.Equal(6, (await OnBroker("shrink")).Partitions);
        Assert.DoesNotContain(_k.Admin.Requests, r => r.StartsWith("DeleteTopics", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_the_opt_in_fewer_partitions_replace_the_topic_deleting_it_first()
    {
        var d = await _k.CreateAsync(Inputs("recreate", partitions: 6));
        var oldId = _k.Admin.TopicId("recreate");

        var news = await _k.CheckAsync(Inputs("recreate", partitions: 2, replaceOnDecrease: true));
        var diff = await _k.DiffAsync(d, news);
        Assert.Equal(DiffKind.UpdateReplace, diff.Detailed["partitions"]);
        Assert.True(diff.DeleteBeforeReplace);

        // The engine's delete-before-replace: delete the old topic, then create the new one with the same name.
        await _k.DeleteAsync(d);
        var replaced = await _k.CreateAsync(news);
        Assert.Equal(2, (await OnBroker("recreate")).Partitions);
        Assert.NotEqual(oldId, _k.Admin.TopicId("recreate"));
        Assert.Equal(2, replaced.ActualPartitions);
    }

    [Fact]
    public async Task A_partition_count_grown_behind_pulumis_back_is_drift_and_a_decrease_back_is_refused()
    {
        var d = await _k.CreateAsync(Inputs("grown", partitions: 2));
        await _k.Admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = "grown", IncreaseTo = 5 }], new());

        var read = await _k.ReadAsync(d);
        Assert.False(read!.InSync);
        Assert.Equal(5, read.ActualPartitions);
        Assert.Contains(_k.Warnings, w => w.Contains("partitions is 5, expected 2"));
        var e = await Assert.ThrowsAsync<ProviderException>(() => _k.DiffAsync(read, read.Inputs));
        Assert.StartsWith("partitions:", e.Message);
    }

    [Fact]
    public async Task A_replication_factor_change_replaces_but_stating_the_brokers_default_does_not()
    {
        var k = new KafkaTopicDriver(new InMemoryKafkaOptions { DefaultReplicationFactor = 3 });
        var d = await k.CreateAsync(Inputs("rf"));

        var same = await k.DiffAsync(d, await k.CheckAsync(Inputs("rf", replicationFactor: 3)));
        Assert.Empty(same.Replaces);

        var other = await k.DiffAsync(d, await k.CheckAsync(Inputs("rf", replicationFactor: 2)));
        Assert.Equal(DiffKind.UpdateReplace, other.Detailed["replicationFactor"]);
        Assert.True(other.DeleteBeforeReplace);

        var renamed = await k.DiffAsync(d, await k.CheckAsync(Inputs("rf2", replicationFactor: 2)));
        Assert.False(renamed.DeleteBeforeReplace);
    }

    [Fact]
    public async Task Config_changes_are_applied_incrementally_and_removed_keys_return_to_the_default()
    {
        var d = await _k.CreateAsync(Inputs("cfg", config: Cfg(("retention.ms", "1000"), ("segment.ms", "60000"))));

        d = await _k.UpdateAsync(d, Inputs("cfg", config: Cfg(("retention.ms", "2000"), ("max.message.bytes", "2000000"))));

        Assert.Equal(Cfg(("max.message.bytes", "2000000"), ("retention.ms", "2000")), (await OnBroker("cfg")).Own);
        Assert.Contains("IncrementalAlterConfigs cfg Set:max.message.bytes Set:retention.ms Delete:segment.ms", _k.Admin.Requests);
        Assert.True(d.InSync);
    }

    [Fact]
    public async Task An_update_with_a_config_value_kafka_refuses_changes_nothing_not_even_the_partitions()
    {
        var d = await _k.CreateAsync(Inputs("both", partitions: 3, config: Cfg(("retention.ms", "1000"))));

        var e = await Assert.ThrowsAsync<ProviderException>(() => _k.UpdateAsync(d, Inputs("both", partitions: 6, config: Cfg(("retention.ms", "soon")))));

        Assert.Equal(FailureKind.InvalidInput, e.Kind);
        Assert.Contains("retention.ms", e.Message);
        var (partitions, _, own) = await OnBroker("both");
        Assert.Equal(3, partitions);
        Assert.Equal(Cfg(("retention.ms", "1000")), own);
        Assert.DoesNotContain(_k.Admin.Requests, r => r.StartsWith("CreatePartitions", StringComparison.Ordinal) && !r.EndsWith("validateOnly", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Drift_counts_only_config_set_on_the_topic_not_broker_defaults_and_update_repairs_it()
    {
        var k = new KafkaTopicDriver(new InMemoryKafkaOptions { StaticBrokerConfig = new Dictionary<string, string> { ["compression.type"] = "lz4" } });
        var d = await k.CreateAsync(Inputs("drift", config: Cfg(("retention.ms", "1000"))));

        var clean = await k.ReadAsync(d);
        Assert.True(clean!.InSync); // compression.type=lz4 from server.properties and Kafka's defaults are not the topic's settings

        var resource = new ConfigResource { Type = ResourceType.Topic, Name = "drift" };
        await k.Admin.IncrementalAlterConfigsAsync(new()
        {
            [resource] = [
                new ConfigEntry { Name = "retention.ms", Value = "5", IncrementalOperation = AlterConfigOpType.Set },
                new ConfigEntry { Name = "segment.ms", Value = "7000", IncrementalOperation = AlterConfigOpType.Set }],
        }, new());
        var drifted = await k.ReadAsync(clean);
        Assert.False(drifted!.InSync);
        Assert.Contains(k.Warnings, w => w.Contains("config 'retention.ms' is '5', expected '1000'"));
        Assert.Contains(k.Warnings, w => w.Contains("config 'segment.ms' is set to '7000'"));

        var diff = await k.DiffAsync(drifted, drifted.Inputs);
        Assert.Equal(DiffKind.Update, diff.Detailed["inSync"]);
        var repaired = await k.UpdateAsync(drifted, drifted.Inputs);
        Assert.True(repaired.InSync);
        var configs = (await k.Admin.DescribeConfigsAsync([resource], new())).Single().Entries;
        Assert.Equal(("1000", ConfigSource.DynamicTopicConfig), (configs["retention.ms"].Value, configs["retention.ms"].Source));
        Assert.Equal(ConfigSource.DefaultConfig, configs["segment.ms"].Source);
        Assert.Equal(("lz4", ConfigSource.StaticBrokerConfig), (configs["compression.type"].Value, configs["compression.type"].Source));
        Assert.True((await k.ReadAsync(repaired))!.InSync);
    }

    [Fact]
    public async Task Without_config_in_the_inputs_the_topics_config_is_not_managed()
    {
        var d = await _k.CreateAsync(Inputs("unmanaged", partitions: 1));
        await _k.Admin.IncrementalAlterConfigsAsync(new()
        {
            [new ConfigResource { Type = ResourceType.Topic, Name = "unmanaged" }] = [new ConfigEntry { Name = "retention.ms", Value = "5", IncrementalOperation = AlterConfigOpType.Set }],
        }, new());
        Assert.True((await _k.ReadAsync(d))!.InSync);
    }

    [Fact]
    public async Task Import_by_id_takes_the_topics_settings_as_inputs_that_pass_check()
    {
        // No SpeSite Check before: the ID says where the topic is.
        await _k.Admin.CreateTopicsAsync([new TopicSpecification
        {
            Name = "legacy", NumPartitions = 5, ReplicationFactor = 3, Configs = new() { ["cleanup.policy"] = "compact" },
        }], new());

        var imported = await _k.Topics.ReadAsync(
            _k.Context("legacy", $"{SiteName}/legacy?tier=fog&spe=flink:http://127.0.0.1:8081&broker=kafka://127.0.0.1:9092"), PropertyMap.Empty, PropertyMap.Empty);

        Assert.NotNull(imported);
        Assert.Equal("kafka", Unwired(imported.Inputs["site"])["broker"].AsObject["kind"].AsString);
        Assert.Equal(5, imported.Inputs["partitions"].AsNumber);
        Assert.Equal(3, imported.Inputs["replicationFactor"].AsNumber);
        Assert.Equal("compact", imported.Inputs["config"].AsObject["cleanup.policy"].AsString);
        Assert.Empty((await _k.Topics.CheckAsync(_k.Context("legacy"), imported.Inputs, imported.Inputs)).Failures);
        var program = await _k.CheckAsync(Inputs("legacy", partitions: 5, replicationFactor: 3, config: Cfg(("cleanup.policy", "compact"))));
        var diff = await _k.Topics.DiffAsync(_k.Context("legacy", imported.Id), imported.Outputs, imported.Inputs, program, []);
        Assert.False(diff.HasChanges, string.Join(", ", diff.Detailed.Keys));
    }

    [Fact]
    public async Task An_existing_topic_with_the_same_settings_is_adopted_with_a_warning()
    {
        await _k.Admin.CreateTopicsAsync([new TopicSpecification
        {
            Name = "existing", NumPartitions = 4, ReplicationFactor = 2, Configs = new() { ["retention.ms"] = "1000" },
        }], new());
        var id = _k.Admin.TopicId("existing");

        var d = await _k.CreateAsync(Inputs("existing", partitions: 4, replicationFactor: 2, config: Cfg(("retention.ms", "1000"))));

        Assert.Equal(id, _k.Admin.TopicId("existing"));
        Assert.Equal(4, d.ActualPartitions);
        Assert.Contains(_k.Warnings, w => w.Contains("adopted") && w.Contains("deleting this resource deletes the topic"));
    }

    [Fact]
    public async Task An_existing_topic_with_other_settings_is_not_adopted_and_the_error_says_why_and_what_to_do()
    {
        await _k.Admin.CreateTopicsAsync([new TopicSpecification { Name = "taken", NumPartitions = 4, ReplicationFactor = 1 }], new());

        var e = await Assert.ThrowsAsync<ProviderException>(() => _k.CreateAsync(Inputs("taken", partitions: 8, config: Cfg(("retention.ms", "1000")))));

        Assert.Equal(FailureKind.PreconditionFailed, e.Kind);
        Assert.Contains("partitions is 4, expected 8", e.Message);
        Assert.Contains("config 'retention.ms' is not set", e.Message);
        Assert.Contains("pulumi import speck:index:Topic", e.Message);
        Assert.Equal(4, (await OnBroker("taken")).Partitions);
    }

    [Fact]
    public async Task Delete_removes_the_topic_and_a_topic_already_gone_is_fine()
    {
        var d = await _k.CreateAsync(Inputs("doomed", partitions: 1));
        await _k.DeleteAsync(d);
        Assert.Null(_k.Admin.TopicId("doomed"));
        Assert.Null(await _k.ReadAsync(d));
        await _k.DeleteAsync(d);
        // The second delete reads first, finds the topic gone and asks the cluster for nothing more.
        Assert.Equal(1, _k.Admin.Requests.Count(r => r == "DeleteTopics doomed"));
    }

    [Fact]
    public async Task A_cluster_that_forbids_deletion_fails_delete_cleanly()
    {
        var k = new KafkaTopicDriver(new InMemoryKafkaOptions { DeleteTopicEnable = false });
        var d = await k.CreateAsync(Inputs("kept", partitions: 1));
        var e = await Assert.ThrowsAsync<ProviderException>(() => k.DeleteAsync(d));
        Assert.Equal(FailureKind.PreconditionFailed, e.Kind);
        Assert.Contains("TopicDeletionDisabled", e.Message);
        Assert.NotNull(k.Admin.TopicId("kept"));
    }

    [Fact]
    public async Task Broker_refusals_fail_create_cleanly_with_kafkas_reason()
    {
        var bad = await Assert.ThrowsAsync<ProviderException>(() => _k.CreateAsync(Inputs("badcfg", config: Cfg(("retention.ms", "soon")))));
        Assert.Equal(FailureKind.InvalidInput, bad.Kind);
        Assert.Contains("Invalid value soon for configuration retention.ms", bad.Message);

        var unknown = await Assert.ThrowsAsync<ProviderException>(() => _k.CreateAsync(Inputs("badkey", config: Cfg(("retention.hours", "1")))));
        Assert.Contains("Unknown topic config name: retention.hours", unknown.Message);

        var rf = await Assert.ThrowsAsync<ProviderException>(() => _k.CreateAsync(Inputs("badrf", replicationFactor: 4)));
        Assert.Equal(FailureKind.InvalidInput, rf.Kind);
        Assert.Contains("InvalidReplicationFactor", rf.Message);

        var k = new KafkaTopicDriver(new InMemoryKafkaOptions { CreateTopicPolicy = s => s.NumPartitions > 10 ? "at most 10 partitions here" : null });
        var policy = await Assert.ThrowsAsync<ProviderException>(() => k.CreateAsync(Inputs("big", partitions: 12)));
        Assert.Equal(FailureKind.PreconditionFailed, policy.Kind);
        Assert.Contains("at most 10 partitions here", policy.Message);

        Assert.Null(_k.Admin.TopicId("badcfg"));
    }

    [Fact]
    public async Task Check_enforces_kafka_rules_and_refuses_kafka_settings_on_mqtt_naming_the_property()
    {
        async Task<IReadOnlyList<CheckFailureInfo>> Failures(PropertyMap news) =>
            (await _k.Topics.CheckAsync(_k.Context("t"), PropertyMap.Empty, news)).Failures;

        Assert.Equal("name", Assert.Single(await Failures(Inputs("a/b"))).Property);
        Assert.Equal("name", Assert.Single(await Failures(Inputs(new string('x', 250)))).Property);
        Assert.Equal("partitions", Assert.Single(await Failures(Inputs("p", partitions: 0))).Property);
        Assert.Equal("replicationFactor", Assert.Single(await Failures(Inputs("r", replicationFactor: 0))).Property);

        var mqtt = Map(("site", SiteArgs("mqtt", "mqtt://127.0.0.1:1883")), ("name", S("m/raw")), ("partitions", PropertyValue.Of(3)),
            ("config", Obj(("retention.ms", S("1")))));
        var failures = await Failures(mqtt);
        Assert.Equal(["config", "partitions"], failures.Select(f => f.Property).Order());
        Assert.All(failures, f => Assert.Contains("Kafka topics only", f.Reason));
    }

    [Fact]
    public async Task A_name_mixing_dot_and_underscore_is_warned_of_in_preview()
    {
        await _k.CheckAsync(Inputs("edge1.raw_data", partitions: 1)); // Check runs in preview, before anything is created
        Assert.Contains(_k.Warnings, w => w.Contains("mixes '.' and '_'"));
    }
}

using Speck.Host.Resources;
using Speck.Host.Values;
using Speck.Provider;
using Speck.Provider.Brokers.Kafka;
using Speck.Provider.Brokers.Mqtt;
using Speck.Provider.Brokers.Mqtt.Dynsec;
using Speck.Provider.Model;
using Speck.Provider.Spe;
using Speck.Tests.Provider.Resources;
using static Speck.Tests.Provider.Resources.ResourceDriver;

namespace Speck.Tests.Provider.Brokers.Kafka;

/// <summary>
/// An engine that always answers, for tests about the broker side of a site: the site's engine is not what is
/// under test there (engines have their own tests).
/// </summary>
public sealed class AnsweringSpeBinder(SpeKind kind = SpeKind.Flink) : ISpeBinder
{
    public SpeKind Kind => kind;
    public Task<SpeProbe> ProbeAsync(SpeEndpoint endpoint, CancellationToken ct) => Task.FromResult(new SpeProbe("test-engine", "answers every probe"));
}

/// <summary>A provider whose Kafka binder talks to <see cref="Admin"/>, and the Topic operations the engine would call.</summary>
public sealed class KafkaTopicDriver
{
    public const string TopicType = "speck:index:Topic";
    public const string SiteType = "speck:index:SpeSite";
    public const string SiteName = "k1";

    public KafkaTopicDriver(InMemoryKafkaOptions? options = null)
    {
        Admin = new InMemoryKafkaAdmin(options);
        var config = new ConfigSource();
        var kafka = new KafkaBinder(config, Admin.Connect, new KafkaBinderOptions { OperationTimeout = TimeSpan.FromSeconds(5), PollInterval = TimeSpan.FromMilliseconds(10) });
        Driver = new ResourceDriver(new SpeckProvider(config, [new AnsweringSpeBinder()], [new MqttBinder(config, new DynsecConnectionPool()), kafka]));
    }

    public InMemoryKafkaAdmin Admin { get; }
    public ResourceDriver Driver { get; }
    public IResourceHandler Topics => Driver.Handler(TopicType);

    public static PropertyValue SiteArgs(string kind = "kafka", string url = "kafka://127.0.0.1:9092") => Obj(
        ("siteName", S(SiteName)), ("tier", S("fog")),
        ("spe", Obj(("kind", S("flink")), ("url", S("http://127.0.0.1:8081")))),
        ("broker", Obj(("kind", S(kind)), ("url", S(url)))));

    /// <summary>Topic inputs on the Kafka site: name plus any of partitions, replicationFactor, config, replaceOnPartitionDecrease.</summary>
    public static PropertyMap Inputs(string name, int? partitions = null, int? replicationFactor = null,
        IReadOnlyDictionary<string, string>? config = null, bool? replaceOnDecrease = null)
    {
        var map = Map(("site", SiteArgs()), ("name", S(name)));
        if (partitions is { } p) map = map.With("partitions", PropertyValue.Of(p));
        if (replicationFactor is { } rf) map = map.With("replicationFactor", PropertyValue.Of(rf));
        if (config is not null) map = map.With("config", PropertyValue.Of(config.Select(kv => KeyValuePair.Create(kv.Key, S(kv.Value)))));
        if (replaceOnDecrease is { } r) map = map.With("replaceOnPartitionDecrease", PropertyValue.Of(r));
        return map;
    }

    public ResourceContext Context(string name, string id = "") => Driver.Context(TopicType, name, id);

    public async Task<Deployed> CreateAsync(PropertyMap inputs)
    {
        var (checkedInputs, created) = await Driver.CreateAsync(TopicType, "t", inputs);
        return new Deployed(created.Id, checkedInputs, created.Outputs);
    }

    public async Task<PropertyMap> CheckAsync(PropertyMap news) => await Driver.CheckAsync(TopicType, "t", news);

    public Task<DiffOutcome> DiffAsync(Deployed d, PropertyMap news) => Topics.DiffAsync(Context("t", d.Id), d.Outputs, d.Inputs, news, []);

    public async Task<Deployed> UpdateAsync(Deployed d, PropertyMap news)
    {
        var inputs = await CheckAsync(news);
        var outputs = await Topics.UpdateAsync(Context("t", d.Id), d.Outputs, d.Inputs, inputs);
        return d with { Inputs = inputs, Outputs = outputs };
    }

    public async Task<Deployed?> ReadAsync(Deployed d)
    {
        var read = await Topics.ReadAsync(Context("t", d.Id), d.Outputs, d.Inputs);
        return read is null ? null : new Deployed(read.Id, read.Inputs, read.Outputs);
    }

    public Task DeleteAsync(Deployed d) => Topics.DeleteAsync(Context("t", d.Id), d.Outputs, d.Inputs);

    public IEnumerable<string> Warnings => Driver.Logs.Where(l => l.Level == MessageSeverity.Warning).Select(l => l.Message);
}

/// <summary>A topic as the engine records it after an operation.</summary>
public sealed record Deployed(string Id, PropertyMap Inputs, PropertyMap Outputs)
{
    public int ActualPartitions => (int)Outputs["actualPartitions"].AsNumber;
    public int ActualReplicationFactor => (int)Outputs["actualReplicationFactor"].AsNumber;
    public bool InSync => Outputs["inSync"].AsBool;
}

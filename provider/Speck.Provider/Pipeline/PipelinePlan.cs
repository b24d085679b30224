using Speck.Host.Resources;
using Speck.Host.Values;
using Speck.Provider.Model;

namespace Speck.Provider.Pipeline;

/// <summary>A site the document's addresses make: one per host, with the engine and the broker found on that host.</summary>
public sealed record PlannedSite(string Host, string ChildName, PropertyMap Inputs, bool HasEngine, bool HasBroker);

/// <summary>A topic of the pipeline: a name on a broker, placed on the site of the broker's host.</summary>
public sealed record PlannedTopic(PipelineTopic Topic, string Key, string ChildName, string SiteHost);

/// <summary>A job of the document with the child it becomes: its engine's site, its two topics and its jar.</summary>
public sealed record PlannedJob(PipelineJob Job, string ChildName, string SiteHost, PlannedTopic Source, PlannedTopic Sink, string Jar, bool Flink);

/// <summary>
/// What a pipeline document becomes in resources, named from the document's names and addresses (never positions),
/// so a changed document keeps every child it still has: <c>&lt;pipeline&gt;-&lt;host&gt;</c> for a site,
/// <c>&lt;pipeline&gt;-&lt;topic&gt;@&lt;host:port&gt;</c> for a topic, <c>&lt;pipeline&gt;-&lt;job_name&gt;</c> for a job.
/// </summary>
public sealed record PipelinePlan(IReadOnlyList<PlannedSite> Sites, IReadOnlyList<PlannedTopic> Topics, IReadOnlyList<PlannedJob> Jobs,
    IReadOnlyList<string> ExternalInputs)
{
    public static (PipelinePlan? Plan, IReadOnlyList<CheckFailureInfo> Failures) Make(string pipeline, string document, PipelineArgs args)
    {
        var (jobs, failures) = PipelineDocument.Parse(document);
        var all = failures.ToList();
        if (all.Count > 0) return (null, all);
        var graph = PipelineGraph.Check(jobs);
        all.AddRange(graph.Failures);
        var engines = Settings(args.Engines, "engines", all);
        var brokers = Settings(args.Brokers, "brokers", all);
        var map = Settings(args.AddressMap, "addressMap", all);
        all.AddRange(PipelineReach.Check(jobs, engines, brokers, map));
        void Fail(PipelineJob j, string field, string reason) => all.Add(new(PipelineDocument.Property, $"{j.Where}.{field}: {reason}"));

        // One engine and one broker per host: the host is the site.
        var engineOf = new Dictionary<string, (Uri Address, PipelineJob First)>(StringComparer.Ordinal);
        var brokerOf = new Dictionary<string, (Uri Address, PipelineJob First, string Field)>(StringComparer.Ordinal);
        foreach (var j in jobs)
        {
            var host = j.Engine.Host.ToLowerInvariant();
            if (!engineOf.TryAdd(host, (j.Engine, j)) && Key(engineOf[host].Address) != Key(j.Engine))
                Fail(j, "spe_address", $"host {host} already has the engine at {engineOf[host].Address} ({engineOf[host].First.Where}); a site has one engine");
            foreach (var (field, broker) in new[] { ("source_broker", j.SourceBroker), ("sink_broker", j.SinkBroker) })
            {
                var bhost = broker.Host.ToLowerInvariant();
                if (!brokerOf.TryAdd(bhost, (broker, j, field)) && Key(brokerOf[bhost].Address) != Key(broker))
                    Fail(j, field, $"host {bhost} already has the broker at {brokerOf[bhost].Address} ({brokerOf[bhost].First.Where}.{brokerOf[bhost].Field}); a site has one broker");
            }
            if (!args.Jars.ContainsKey(j.JobPath))
                all.Add(new("jars", $"no jar for job_path '{j.JobPath}' ({j.Where}.job_path): give it in `jars`"));
        }
        if (all.Count > 0) return (null, all);

        var sites = engineOf.Keys.Union(brokerOf.Keys).Order(StringComparer.Ordinal).Select(host =>
        {
            var engine = engineOf.TryGetValue(host, out var e) ? e.Address : null;
            var broker = brokerOf.TryGetValue(host, out var b) ? b.Address : null;
            return new PlannedSite(host, $"{pipeline}-{host}",
                SiteInputs(host, engine, broker, engine is null ? null : engines.GetValueOrDefault(Key(engine)),
                    broker is null ? null : brokers.GetValueOrDefault(Key(broker)), map),
                engine is not null, broker is not null);
        }).ToList();
        var topics = jobs.SelectMany(j => new[] { PipelineGraph.Source(j), PipelineGraph.Sink(j) }).Distinct()
            .Select(t => new PlannedTopic(t, $"{t.Name}@{t.Broker}", $"{pipeline}-{t.Name}@{t.Broker}", t.Broker[..t.Broker.LastIndexOf(':')]))
            .ToList();
        PlannedTopic TopicOf(PipelineTopic t) => topics.First(p => p.Topic == t);
        var planned = jobs.Select(j => new PlannedJob(j, $"{pipeline}-{j.Name}", j.Engine.Host.ToLowerInvariant(),
            TopicOf(PipelineGraph.Source(j)), TopicOf(PipelineGraph.Sink(j)), args.Jars[j.JobPath],
            engines.GetValueOrDefault(Key(j.Engine))?.Kind is null or SpeKind.Flink)).ToList();
        return (new PipelinePlan(sites, topics, planned, graph.ExternalInputs.Select(t => $"{t.Name}@{t.Broker}").ToList()), []);
    }

    /// <summary>An address as the document or a setting writes it (<c>http://h:p/</c>, <c>tcp://h:p</c>, <c>h:p</c>), as one key.</summary>
    public static string? KeyOf(string text) =>
        HostAddress.Parse(text) is { Port: > 0 } u ? Key(u) : null;

    private static string Key(Uri u) => PipelineGraph.Key(u);

    private static Dictionary<string, T> Settings<T>(Dictionary<string, T>? given, string property, List<CheckFailureInfo> failures)
    {
        var result = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var (address, value) in given ?? [])
        {
            if (KeyOf(address) is not { } key) failures.Add(new($"{property}.{address}", "not an address: write it as in the document (`http://host:port/`, `tcp://host:port`) or as `host:port`"));
            else if (!result.TryAdd(key, value)) failures.Add(new($"{property}.{address}", $"names {key} a second time"));
        }
        return result;
    }

    private static PropertyMap SiteInputs(string host, Uri? engine, Uri? broker, PipelineEngine? e, PipelineBroker? b, Dictionary<string, string> map)
    {
        static PropertyValue S(string s) => PropertyValue.Of(s);
        static PropertyValue Secret(string s) => PropertyValue.MakeSecret(PropertyValue.Of(s));
        var site = new Dictionary<string, PropertyValue>
        {
            ["siteName"] = S(host),
            ["tier"] = S((e?.Tier ?? b?.Tier ?? Tier.Fog).ToString().ToLowerInvariant()),
        };
        var labels = (b?.Labels ?? []).Concat(e?.Labels ?? []).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => S(g.Last().Value));
        if (labels.Count > 0) site["labels"] = PropertyValue.Of(labels);
        if (engine is not null)
        {
            var spe = new Dictionary<string, PropertyValue>
            {
                ["kind"] = S(e?.Kind == SpeKind.NodeRed ? "nodered" : "flink"),
                ["url"] = S(map.GetValueOrDefault(Key(engine)) ?? $"{engine.Scheme}://{engine.Host}:{engine.Port}"),
            };
            if (e?.Token is { } token) spe["token"] = Secret(token);
            if (e?.Username is { } user) spe["username"] = S(user);
            if (e?.Password is { } password) spe["password"] = Secret(password);
            site["spe"] = PropertyValue.Of(spe);
        }
        if (broker is not null)
        {
            var kafka = b?.Kind == BrokerKind.Kafka;
            var url = map.GetValueOrDefault(Key(broker)) ?? $"{broker.Scheme}://{broker.Host}:{broker.Port}";
            var b2 = new Dictionary<string, PropertyValue> { ["kind"] = S(kafka ? "kafka" : "mqtt"), ["url"] = S(kafka ? url : MqttUrl(url)) };
            if (b?.Username is { } user) b2["username"] = S(user);
            if (b?.Password is { } password) b2["password"] = Secret(password);
            if (b?.AdminUsername is { } admin) b2["adminUsername"] = S(admin);
            if (b?.AdminPassword is { } adminPassword) b2["adminPassword"] = Secret(adminPassword);
            site["broker"] = PropertyValue.Of(b2);
        }
        return new PropertyMap(site);
    }

    /// <summary>SpecK writes MQTT brokers as <c>tcp://</c> (Paho's form); the provider takes <c>mqtt://</c> and <c>mqtts://</c>.</summary>
    private static string MqttUrl(string url) =>
        url.StartsWith("tcp://", StringComparison.OrdinalIgnoreCase) ? "mqtt://" + url[6..]
        : url.StartsWith("ssl://", StringComparison.OrdinalIgnoreCase) ? "mqtts://" + url[6..] : url;
}

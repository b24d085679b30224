using Speck.Host.Resources;
using Speck.Provider.Brokers.Mqtt;
using Speck.Provider.Model;
using Speck.Provider.Spe;

namespace Speck.Provider.Resources;

/// <summary>
/// A StreamJob's import: <c>&lt;site name&gt;/&lt;job ID&gt;?tier=…&amp;spe=…&amp;broker=…</c> (<see cref="ImportId"/>) plus, for
/// what the engine does not report, <c>source=&lt;topic&gt;</c> (repeated, in order), <c>sink=&lt;topic&gt;</c> (topics on the
/// site's broker), <c>jarPath=&lt;the job's jar on this machine&gt;</c> and <c>entryClass=</c>. Flink reports none of its
/// jar, entry class, program arguments or topics, so a Flink import takes the jar and topics from the ID and says so;
/// a Node-RED flow keeps its MQTT nodes and processing, so those are read from the flow: which of the two, the site's
/// binder says (<see cref="ISpeBinder.LearnAsync"/>, <see cref="ISpeBinder.CheckJobId"/>, <see cref="ISpeBinder.Traits"/>). The inputs pass Check as
/// they are: `pulumi import` Checks them (step.go:2174-2206 (pulumi v3.259.0)) and writes its program from them alone
/// (hcl2.go:244-257), see docs/import.md §Import Check and §Import codegen. What neither the ID nor the engine gave is
/// listed in <c>adoptedInputs</c>.
/// </summary>
internal sealed class StreamJobImport(Binders binders)
{
    public static readonly string[] Keys = ["source", "sink", "jarPath", "artifact", "entryClass"];

    public async Task<(StreamJobArgs, StreamJobState)?> ReadAsync(string id, CancellationToken ct)
    {
        var parsed = ImportId.Parse(id, "<Flink job ID or Node-RED flow ID>", Keys);
        var (site, jobId) = (parsed.Site, parsed.Object!);
        var engine = binders.Spe(site.Spe.Kind);
        if (engine.CheckJobId(jobId) is { } notAnId) throw ProviderException.Invalid($"import ID '{id}': {notAnId}");
        if (await engine.FindAsync(site.Spe, jobId, ct) is not { } job) return null;
        // An engine that shows a job's code and topics (a Node-RED flow) is read; one that does not (Flink) needs the ID to say them.
        var learned = await engine.LearnAsync(site.Spe, jobId, ct);

        var stated = new List<string>();
        var sources = learned?.Sources is { Count: > 0 } ls ? ls.Select(t => Topic(site, t)).ToList() : parsed.All("source").Select(parsed.Topic).ToList();
        var sink = learned?.Sink is { } lk ? Topic(site, lk) : parsed.Single("sink", id) is { } s ? parsed.Topic(s) : null;
        if (sources.Count == 0 || sink is null)
            throw ProviderException.Invalid($"import ID '{id}': {(learned is null ? $"the {site.Spe.Kind} engine does not report a job's topics" : "the job as its engine shows it has no single sink and sources")}: " +
                "give them as `&source=<topic>&sink=<topic>` (topics on the site's broker; percent-encode '&', '?' and '%')");
        sources = [.. await Task.WhenAll(sources.Select(t => WithRolesAsync(t, ct)))];
        sink = await WithRolesAsync(sink, ct);

        var inputs = new StreamJobArgs
        {
            Site = site,
            Sources = sources,
            Sink = sink,
            UpgradeMode = engine.Traits.KeepsSavepoints ? UpgradeMode.Savepoint : UpgradeMode.Stateless,
            DesiredState = job.Live ? DesiredState.Running : DesiredState.Suspended,
        };
        if (learned is null)
        {
            // The engine keeps the code it runs nowhere it reports: the ID names the file, and Check requires it to exist.
            var (jarPath, artifact) = (parsed.Single("jarPath", id), parsed.Single("artifact", id));
            if ((jarPath is null) == (artifact is null))
                throw ProviderException.Invalid($"import ID '{id}': the {site.Spe.Kind} engine does not report a job's jar: give the jar it runs as `&jarPath=<path>` or `&artifact=<path>` (a file asset), one of them");
            inputs = inputs with { JarPath = jarPath, Artifact = artifact is null ? null : await FileAssetAsync(id, artifact, ct), EntryClass = parsed.Single("entryClass", id) };
            stated.Add(jarPath is null ? "artifact" : "jarPath");
            if (inputs.EntryClass is not null) stated.Add("entryClass");
        }
        else
        {
            if (parsed.All("jarPath").Count > 0 || parsed.All("artifact").Count > 0 || parsed.All("entryClass").Count > 0)
                throw ProviderException.Invalid($"import ID '{id}': the {site.Spe.Kind} engine shows the job's code, so the ID gives no jar or entry class");
            inputs = inputs with
            {
                NodeRed = new NodeRedProcessing
                {
                    Function = learned.Function,
                    Nodes = learned.Function is null ? [.. (learned.Nodes ?? []).Select(n => System.Text.Json.JsonDocument.Parse(n!.ToJsonString()).RootElement.Clone())] : null,
                },
            };
            stated.Add("nodeRed");
        }
        stated.AddRange(["sources", "sink"]);
        var state = StreamJob.Record(inputs, null) with
        {
            JobId = job.JobId,
            State = job.State,
            StartTime = job.StartTime,
            Generation = 0,
            Problem = job.Problem,
            AdoptedInputs = [.. StreamJobDiff.UnlearnableInputs.Except(stated)],
        };
        return (inputs, state);
    }

    /// <summary>A file asset as the engine sends one from a program (`fn::fileAsset`): its path and the sha256 of its content.</summary>
    private static async Task<Host.Values.AssetValue> FileAssetAsync(string id, string path, CancellationToken ct)
    {
        if (!File.Exists(path)) throw ProviderException.Invalid($"import ID '{id}': the jar '{path}' does not exist");
        await using var stream = File.OpenRead(path);
        return new Host.Values.AssetValue(Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(stream, ct)), null, path, null);
    }

    /// <summary>A topic the flow names: the site's broker endpoint when it is that broker, else a broker of its own.</summary>
    private static TopicEndpoint Topic(SiteConnection site, LearnedTopic t) =>
        SameMqttBroker(site.Broker, t.BrokerUrl)
            ? new TopicEndpoint { SiteName = site.SiteName, Broker = site.Broker, Name = t.Topic }
            // Another site's broker: its site is not in the flow, so the broker URL names it.
            : new TopicEndpoint { SiteName = t.BrokerUrl, Broker = new BrokerEndpoint { Kind = BrokerKind.Mqtt, Url = t.BrokerUrl }, Name = t.Topic };

    private static bool SameMqttBroker(BrokerEndpoint broker, string url) =>
        broker.Kind == BrokerKind.Mqtt && MqttUrl.TryParse(broker.Url, out var a, out _) && MqttUrl.TryParse(url, out var b, out _) && a!.Url == b!.Url;

    /// <summary>The roles a `${topic.endpoint}` carries, as the broker has them (none without access control).</summary>
    private async Task<TopicEndpoint> WithRolesAsync(TopicEndpoint topic, CancellationToken ct)
    {
        var found = await binders.Broker(topic.Broker.Kind).ReadTopicAsync(topic.Broker, new Brokers.TopicRecord(topic.Name, "", null, null, []), ct);
        return topic with { PublishRole = found?.PublishRole, SubscribeRole = found?.SubscribeRole };
    }
}

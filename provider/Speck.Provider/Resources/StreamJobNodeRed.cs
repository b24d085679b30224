using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Speck.Host.Resources;
using Speck.Host.Schema;
using Speck.Host.Values;
using Speck.Provider.Brokers;
using Speck.Provider.Model;
using Speck.Provider.Spe;
using Speck.Provider.Spe.NodeRed;

namespace Speck.Provider.Resources;

[SchemaToken("speck:index:NodeRedProcessing")]
[Description("A job's processing on a Node-RED site: a function body or a list of Node-RED nodes (exactly one). The provider adds the MQTT input and output nodes, the broker logins and the health nodes.")]
public sealed record NodeRedProcessing
{
    [Description("Body of a Node-RED function node. It receives `msg` (`msg.payload` parsed from JSON when it parses) and returns the message for the sink, `null` to drop it, or an array.")]
    public string? Function { get; init; }

    [Description("Node-RED nodes (objects with `id`, `type`, `wires`, …). The sources feed the first node; a wire to `sink` goes to the job's sink; ids are namespaced per job on the engine. `[]` forwards the sources to the sink unchanged.")]
    public List<JsonElement>? Nodes { get; init; }
}

/// <summary>
/// StreamJob on Node-RED sites: the job's <c>nodeRed</c> processing becomes a flow (<see cref="NodeRedFlowBuilder"/>)
/// handed to the engine binder as the job's artifact. On brokers where the job has its own login
/// (<see cref="StreamJobLogins"/>) its MQTT nodes connect with it, as Node-RED credentials; elsewhere as the site says.
/// </summary>
internal static class StreamJobNodeRed
{
    public static bool Runs(StreamJobArgs args) => args.Site?.Spe?.Kind == SpeKind.NodeRed;

    /// <summary>Node-RED keeps no savepoints: Node-RED jobs default to `stateless`.</summary>
    public static PropertyMap ApplyDefaults(PropertyMap news)
    {
        if (news.Get("upgradeMode") is not null) return news;
        if (SiteKind(news) == "nodered") return news.With("upgradeMode", PropertyValue.Of("stateless"));
        // An engine kind still unknown in preview may turn out to be Node-RED: the default is unknown too, or `up`
        // would add an input its preview did not show (pulumi `up --plan` refuses that; docs/pulumi-engine.md).
        return SiteKind(news) is null && news.Get("site")?.ContainsUnknowns == true ? news.With("upgradeMode", PropertyValue.Unknown) : news;
    }

    /// <summary>Check failures for the job's processing, by property path.</summary>
    public static IEnumerable<(string Path, string Problem)> Problems(StreamJobArgs args, Func<string, bool> unknown)
    {
        if (unknown("site") || args.Site?.Spe is null) yield break;
        if (!Runs(args))
        {
            if (args.NodeRed is not null) yield return ("nodeRed", $"`nodeRed` is for Node-RED sites; '{args.Site.SiteName}' runs {args.Site.Spe.Kind}: give a jar");
            yield break;
        }

        if (args.Artifact is not null) yield return ("artifact", "a job on a Node-RED site has no jar: give its processing as `nodeRed`");
        if (args.JarPath is not null) yield return ("jarPath", "a job on a Node-RED site has no jar: give its processing as `nodeRed`");
        if (args.EntryClass is not null) yield return ("entryClass", "a job on a Node-RED site has no entry class");
        if (args.UpgradeMode == UpgradeMode.Savepoint) yield return ("upgradeMode", "Node-RED keeps no savepoints: use `stateless`");
        if (args.SavepointOnDelete == true) yield return ("savepointOnDelete", "Node-RED keeps no savepoints");
        if (unknown("nodeRed")) yield break;
        if (args.NodeRed is not { } p)
        {
            yield return ("nodeRed", "a job on a Node-RED site needs its processing: `nodeRed: { function: ... }` or `nodeRed: { nodes: [...] }`");
            yield break;
        }

        if ((p.Function is null) == (p.Nodes is null))
        {
            yield return ("nodeRed", "give exactly one of `function` and `nodes`");
            yield break;
        }

        if (p.Function is { } f && string.IsNullOrWhiteSpace(f)) yield return ("nodeRed.function", "the function body is empty");
        if (p.Nodes is { } nodes)
            for (var i = 0; i < nodes.Count; i++)
                if (nodes[i].ValueKind != JsonValueKind.Object) yield return ($"nodeRed.nodes[{i}]", "a Node-RED node is an object with `id`, `type` and `wires`");
        if (unknown("sources") || unknown("sink") || args.Sources is null || args.Sink is null) yield break;

        // Build the flow as Create would (with placeholder logins), so wiring mistakes show in preview.
        string? problem = null;
        try
        {
            NodeRedFlowBuilder.Build(Spec(args, "check", "check", _ => null));
        }
        catch (NodeRedFlowInvalidException e)
        {
            problem = e.Message;
        }
        catch (FormatException e)
        {
            problem = e.Message;
        }
        if (problem is not null) yield return (p.Nodes is null ? "nodeRed" : "nodeRed.nodes", problem);
    }

    /// <summary>The job's flow as the deployment's artifact, its MQTT nodes logging in with <paramref name="logins"/>.</summary>
    public static JobArtifact Artifact(StreamJobArgs args, string urn, string name, IReadOnlyList<BrokerLogin> logins)
    {
        try
        {
            return NodeRedFlowArtifact.From(NodeRedFlowBuilder.Build(Spec(args, urn, name,
                broker => logins.FirstOrDefault(l => l.BrokerUrl == broker.Url) is { } l ? (l.Username, l.Password) : null)));
        }
        catch (NodeRedFlowInvalidException e)
        {
            throw ProviderException.Invalid(e.Message);
        }
    }

    /// <summary>
    /// A Node-RED job is updated in place (its flow replaced, only changed nodes restart) unless it moves, or it was
    /// imported: an adopted flow's node ids derive from another job key, so a deploy would not find it and would add a
    /// second flow beside it; it is stopped (its sessions cleaned) and deployed anew instead.
    /// </summary>
    public static bool UpdatesInPlace(StreamJobState olds, StreamJobArgs news) =>
        Runs(olds) && Runs(news) && olds.NodeRed is not null && olds.AdoptedInputs is not { Count: > 0 }
        && olds.Site.Spe.Url == news.Site.Spe.Url && olds.Site.SiteName == news.Site.SiteName;

    public static bool Same(NodeRedProcessing? a, NodeRedProcessing? b) =>
        a is null || b is null ? a is null && b is null
            : a.Function == b.Function && (a.Nodes is null) == (b.Nodes is null)
              && (a.Nodes is null || JsonNode.DeepEquals(ToArray(a.Nodes), ToArray(b.Nodes!)));

    private static NodeRedJobSpec Spec(StreamJobArgs args, string urn, string name, Func<BrokerEndpoint, (string User, string Password)?> login)
    {
        NodeRedMqttTopic Topic(TopicEndpoint t) => login(t.Broker) is { } l
            ? NodeRedTopics.From(t, l.User, l.Password)
            : NodeRedTopics.From(t, t.Broker.Username, t.Broker.Password);
        return new NodeRedJobSpec
        {
            JobKey = urn,
            Name = name,
            FunctionBody = args.NodeRed?.Function,
            Nodes = args.NodeRed?.Nodes is { } nodes ? ToArray(nodes) : null,
            Sources = args.Sources.Select(Topic).ToList(),
            Sink = Topic(args.Sink),
        };
    }

    private static JsonArray ToArray(List<JsonElement> nodes) => new(nodes.Select(n => JsonNode.Parse(n.GetRawText())).ToArray());

    private static string? SiteKind(PropertyMap news) =>
        Plain(news.Get("site")) is { Kind: PropertyKind.Object } site && site.AsObject.TryGetValue("spe", out var spe)
        && Plain(spe) is { Kind: PropertyKind.Object } plainSpe && plainSpe.AsObject.TryGetValue("kind", out var kind)
        && Plain(kind) is { Kind: PropertyKind.String } k ? k.AsString : null;

    private static PropertyValue? Plain(PropertyValue? v) => v is { Kind: PropertyKind.Secret } ? Plain(v.SecretValue) : v;
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Speck.Host.Resources;
using Speck.Provider.Model;
using Speck.Provider.Resources;

namespace Speck.Provider.Spe.NodeRed;

/// <summary>
/// A StreamJob's <c>nodeRed</c> processing as a flow (<see cref="NodeRedFlowBuilder"/>) handed to the engine binder as the
/// job's artifact. On brokers where the job has its own login its MQTT nodes connect with it, as Node-RED
/// credentials; elsewhere as the site says.
/// </summary>
internal static class NodeRedJobFlows
{
    /// <summary>Check failures for the job's processing, by property path.</summary>
    public static IEnumerable<(string Path, string Problem)> Problems(StreamJobArgs args, Func<string, bool> unknown)
    {
        if (unknown("site") || args.Site?.Spe is null) yield break;
        if (!StreamJobNodeRed.Runs(args))
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

    internal static JsonArray ToArray(List<JsonElement> nodes) => new(nodes.Select(n => JsonNode.Parse(n.GetRawText())).ToArray());

}

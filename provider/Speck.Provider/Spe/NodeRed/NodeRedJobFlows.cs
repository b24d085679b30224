using System.Text.Json;
using System.Text.Json.Nodes;
using Speck.Host.Resources;
using Speck.Provider.Model;

namespace Speck.Provider.Spe.NodeRed;

/// <summary>
/// A job's inline processing (<see cref="JobSource.Processing"/>) as a flow (<see cref="NodeRedFlowBuilder"/>), the
/// job's artifact on Node-RED. On brokers where the job has its own login its MQTT nodes connect with it, as Node-RED
/// credentials; elsewhere with the topic's endpoint's credentials.
/// </summary>
internal static class NodeRedJobFlows
{
    /// <summary>Check failures of a job on a Node-RED site, by property path.</summary>
    public static IEnumerable<JobProblem> Problems(JobCheck check)
    {
        var job = check.Job;
        if (job.Asset is not null) yield return new("artifact", "a job on a Node-RED site has no jar: give its processing as `nodeRed`");
        if (job.Path is not null) yield return new("jarPath", "a job on a Node-RED site has no jar: give its processing as `nodeRed`");
        if (job.EntryClass is not null) yield return new("entryClass", "a job on a Node-RED site has no entry class");
        if (job.SavepointUpgrades == true) yield return new("upgradeMode", "Node-RED keeps no savepoints: use `stateless`");
        if (job.SavepointOnDelete) yield return new("savepointOnDelete", "Node-RED keeps no savepoints");
        if (job.State.CheckpointUpgrades) yield return new("upgradeMode", "Node-RED keeps no checkpoints, so no `last-state` upgrades: use `stateless`");
        if (job.State.EngineConfiguration) yield return new("flinkConfiguration", "a Flink job's configuration: a job on a Node-RED site has none");
        if (job.State.InitialSavepoint) yield return new("initialSavepointPath", "Node-RED keeps no savepoints to start from");
        if (job.State.SavepointsOnDemand) yield return new("savepointTriggerNonce", "Node-RED keeps no savepoints");
        if (job.State.SavepointRetention) yield return new("savepointRetention", "Node-RED keeps no savepoints");
        if (check.Unknown("nodeRed")) yield break;
        if (job.Processing is not { } p)
        {
            yield return new("nodeRed", "a job on a Node-RED site needs its processing: `nodeRed: { function: ... }` or `nodeRed: { nodes: [...] }`");
            yield break;
        }

        if ((p.Function is null) == (p.Nodes is null))
        {
            yield return new("nodeRed", "give exactly one of `function` and `nodes`");
            yield break;
        }

        if (p.Function is { } f && string.IsNullOrWhiteSpace(f)) yield return new("nodeRed.function", "the function body is empty");
        if (p.Nodes is { } nodes)
            for (var i = 0; i < nodes.Count; i++)
                if (nodes[i].ValueKind != JsonValueKind.Object) yield return new($"nodeRed.nodes[{i}]", "a Node-RED node is an object with `id`, `type` and `wires`");
        if (check.Unknown("sources") || check.Unknown("sink") || job.Sources is null || job.Sink is null) yield break;

        // Build the flow as Create would (with placeholder logins), so wiring mistakes show in preview.
        string? problem = null;
        try
        {
            NodeRedFlowBuilder.Build(Spec(job with { Key = "check", Name = "check", Logins = [] }));
        }
        catch (NodeRedFlowInvalidException e)
        {
            problem = e.Message;
        }
        catch (FormatException e)
        {
            problem = e.Message;
        }
        if (problem is not null) yield return new(p.Nodes is null ? "nodeRed" : "nodeRed.nodes", problem);
    }

    /// <summary>The job's flow as the deployment's artifact, its MQTT nodes logging in with the job's logins.</summary>
    public static JobArtifact Artifact(JobSource job)
    {
        try
        {
            return NodeRedFlowArtifact.From(NodeRedFlowBuilder.Build(Spec(job)));
        }
        catch (NodeRedFlowInvalidException e)
        {
            throw ProviderException.Invalid(e.Message);
        }
    }

    private static NodeRedJobSpec Spec(JobSource job)
    {
        NodeRedMqttTopic Topic(TopicEndpoint t) => job.Logins.FirstOrDefault(l => l.BrokerUrl == t.Broker.Url) is { } l
            ? NodeRedTopics.From(t, l.Username, l.Password)
            : NodeRedTopics.From(t, t.Broker.Username, t.Broker.Password);
        return new NodeRedJobSpec
        {
            JobKey = job.Key,
            Name = job.Name,
            FunctionBody = job.Processing?.Function,
            Nodes = job.Processing?.Nodes is { } nodes ? ToArray(nodes) : null,
            Sources = (job.Sources ?? []).Select(Topic).ToList(),
            Sink = Topic(job.Sink!),
        };
    }

    private static JsonArray ToArray(IEnumerable<JsonElement> nodes) => new(nodes.Select(n => JsonNode.Parse(n.GetRawText())).ToArray());
}

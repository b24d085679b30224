using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Speck.Provider.Spe.NodeRed;

/// <summary>Where a job's flow lives on the engine and the hash of what was deployed there.</summary>
public sealed record NodeRedDeployment(string FlowId, string Hash);

public enum NodeRedFlowState
{
    /// <summary>No flow with this id: deleted behind our back.</summary>
    Missing,

    /// <summary>What Node-RED holds hashes to what we deployed.</summary>
    InSync,

    /// <summary>Edited behind our back (nodes, label, env, or disabled).</summary>
    Drifted,
}

/// <summary>A flow as read back. <see cref="Flow"/> is Node-RED's copy, which never holds credentials.</summary>
public sealed record NodeRedFlowReading(string FlowId, NodeRedFlowState State, string? LiveHash, JsonObject? Flow)
{
    public string? Label => Flow?["label"]?.GetValue<string>();
    public bool Disabled => Flow?["disabled"]?.GetValueKind() == JsonValueKind.True;
}

/// <summary>The flow of a job was deleted on the engine; the resource should create it again.</summary>
public sealed class NodeRedFlowGoneException(string flowId) : Exception($"Node-RED flow '{flowId}' no longer exists");

/// <summary>
/// The job operations on one engine: each job is one flow, written only through <c>/flow</c> and <c>/flow/:id</c> so
/// no other flow is touched, and validated against the engine's node types before every write.
/// </summary>
public sealed class NodeRedJobs(NodeRedClient client)
{
    public const string Connected = "node-red:common.status.connected";

    /// <summary>
    /// Creates the job's flow, or replaces it when a flow already holds the job's node ids (a retried create, or a
    /// deploy over an earlier one), so a job never exists twice.
    /// </summary>
    public async Task<NodeRedDeployment> DeployAsync(NodeRedFlow flow, CancellationToken ct)
    {
        await ValidateAsync(flow, ct);
        var existing = await FlowHoldingAsync(flow, ct);
        if (existing is not null) return await PutAsync(existing, flow, ct);
        try
        {
            return new NodeRedDeployment(await client.PostFlowAsync(flow.Body, ct), flow.Hash);
        }
        catch (NodeRedApiException e) when (e.IsDuplicateId)
        {
            // Another create of this job won the race; replace what it wrote.
            var winner = await FlowHoldingAsync(flow, ct);
            if (winner is null) throw;
            return await PutAsync(winner, flow, ct);
        }
    }

    /// <summary>Replaces only this flow. Throws <see cref="NodeRedFlowGoneException"/> when it was deleted.</summary>
    public async Task<NodeRedDeployment> UpdateAsync(string flowId, NodeRedFlow flow, CancellationToken ct)
    {
        if (flowId == GlobalFlowId) throw new NodeRedFlowGoneException(flowId);
        await ValidateAsync(flow, ct);
        var holder = await FlowHoldingAsync(flow, ct);
        if (holder is not null && holder != flowId)
            throw new NodeRedFlowInvalidException([$"the job's nodes ({flow.Prefix}-*) are in flow '{holder}', not in '{flowId}'"]);
        return await PutAsync(flowId, flow, ct);
    }

    /// <summary>
    /// Reads the flow back and compares it with <paramref name="deployedHash"/>, or, when null, with the hash the flow
    /// recorded in its <c>info</c> at deploy time.
    /// </summary>
    public async Task<NodeRedFlowReading> ReadAsync(string flowId, string? deployedHash, CancellationToken ct)
    {
        var live = await GetJobFlowAsync(flowId, ct);
        if (live is null) return new NodeRedFlowReading(flowId, NodeRedFlowState.Missing, null, null);
        var hash = NodeRedFlowHash.Of(live);
        deployedHash ??= NodeRedFlowHash.Recorded(live);
        return new NodeRedFlowReading(flowId, hash == deployedHash ? NodeRedFlowState.InSync : NodeRedFlowState.Drifted, hash, live);
    }

    /// <summary>Adopts an existing flow by id: its current content becomes the deployed baseline. Null when absent.</summary>
    public async Task<NodeRedFlowReading?> ImportAsync(string flowId, CancellationToken ct)
    {
        var live = await GetJobFlowAsync(flowId, ct);
        return live is null ? null : new NodeRedFlowReading(flowId, NodeRedFlowState.InSync, NodeRedFlowHash.Of(live), live);
    }

    /// <summary>
    /// Removes the flow (and its stored credentials); false when it was already gone. The job's persistent MQTT
    /// sessions would outlive it on the brokers, queueing every message of its sources for a client that never comes
    /// back; so first the flow reconnects once with clean sessions (which discards them), bounded by 5 s or the given
    /// cleanup timeout (an unreachable broker keeps its session: nothing else can reach it either).
    /// </summary>
    public Task<bool> DeleteAsync(string flowId, CancellationToken ct) => DeleteAsync(flowId, TimeSpan.FromSeconds(5), ct);

    /// <inheritdoc cref="DeleteAsync(string, CancellationToken)"/>
    public async Task<bool> DeleteAsync(string flowId, TimeSpan cleanupTimeout, CancellationToken ct)
    {
        var live = await GetJobFlowAsync(flowId, ct);
        if (live is null) return false;
        var persistent = NodeRedFlowHash.AllNodes(live)
            .Where(n => n["type"]?.ToString() == "mqtt-broker" && n["cleansession"]?.GetValueKind() == JsonValueKind.False).ToList();
        if (persistent.Count > 0)
        {
            foreach (var broker in persistent)
            {
                broker["cleansession"] = true;
                broker["autoUnsubscribe"] = true;
            }

            // The PUT leaves the stored credentials in place (docs/nodered.md §Credentials) and restarts only this
            // flow's MQTT nodes; each must then report "connected" again, later than before the PUT (not an old
            // status).
            var before = await client.GetFlowContextAsync(flowId, ct) ?? [];
            if (!await client.PutFlowAsync(flowId, live, ct)) return false;
            try
            {
                await WaitAsync(flowId, NodeRedFlow.FromBody(live), cleanupTimeout, before, ct);
            }
            catch (TimeoutException)
            {
            }
        }

        return await client.DeleteFlowAsync(flowId, ct);
    }

    /// <summary>
    /// Waits until every MQTT node of the job reports "connected" to the job's health function (Node-RED has no REST
    /// status endpoint, docs/nodered.md §Node status). Bounded by <paramref name="timeout"/>; the timeout names each
    /// waiting node. After a PUT, MQTT nodes that were not restarted keep their "connected"; restarted ones report
    /// "disconnected" while the PUT is handled, and the health function records it before our next request arrives.
    /// </summary>
    public Task WaitConnectedAsync(string flowId, NodeRedFlow flow, TimeSpan timeout, CancellationToken ct) =>
        WaitAsync(flowId, flow, timeout, null, ct);

    private async Task WaitAsync(string flowId, NodeRedFlow flow, TimeSpan timeout, JsonObject? newerThan, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var context = await client.GetFlowContextAsync(flowId, ct) ?? [];
            var stale = newerThan is null ? [] : flow.MqttNodes.Where(m => ReportedAt(context, m.Key) <= ReportedAt(newerThan, m.Key)).ToList();
            var problem = NotConnected(context, flow) ?? (stale.Count == 0 ? null : string.Join("; ", stale.Select(m => $"{m.Value} has not reconnected")));
            if (problem is null) return;
            if (waited.Elapsed >= timeout)
                throw new TimeoutException($"Node-RED flow '{flowId}' not connected after {timeout.TotalSeconds:0.#} s: {problem}");

            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }
    }

    /// <summary>Null when every MQTT node of the flow reports "connected"; otherwise which are not, and the last node error.</summary>
    public static string? NotConnected(JsonObject context, NodeRedFlow flow)
    {
        var waiting = flow.MqttNodes.Where(m => StatusOf(context, m.Key).Text != Connected).ToList();
        if (waiting.Count == 0) return null;
        var error = Value(context, NodeRedFlowBuilder.LastErrorKey);
        return string.Join("; ", waiting.Select(m => $"{m.Value} is {Short(StatusOf(context, m.Key).Text)}")) +
            (error is null ? "" : $"; last error from node '{error["node"]}': {error["message"]}");
    }

    /// <summary>When the flow last started as a whole (its health node's start), epoch milliseconds.</summary>
    public static long? StartedAt(JsonObject context) =>
        context[NodeRedFlowBuilder.StartedKey]?["msg"] is JsonValue m && m.GetValueKind() == JsonValueKind.String && long.TryParse(m.GetValue<string>(), out var t) ? t : null;

    /// <summary>The last status a job's MQTT node reported, or empty text when none yet.</summary>
    public static (string Fill, string Text) StatusOf(JsonObject context, string nodeId)
    {
        var v = Value(context, NodeRedFlowBuilder.StatusKey(nodeId));
        return (v?["fill"]?.GetValue<string>() ?? "", v?["text"]?.GetValue<string>() ?? "");
    }

    private static long ReportedAt(JsonObject context, string nodeId) =>
        Value(context, NodeRedFlowBuilder.StatusKey(nodeId))?["at"] is JsonValue v && v.TryGetValue<double>(out var at) ? (long)at : 0;

    private static string Short(string text) =>
        text.Length == 0 ? "not reporting yet" : text.StartsWith("node-red:common.status.", StringComparison.Ordinal) ? text[23..] : text;

    /// <summary>Context values come as <c>{"msg": "&lt;JSON text&gt;", "format": "Object"}</c>.</summary>
    private static JsonObject? Value(JsonObject context, string key) =>
        context[key]?["msg"] is JsonValue m && m.GetValueKind() == JsonValueKind.String ? JsonNode.Parse(m.GetValue<string>()) as JsonObject : null;

    /// <summary>
    /// A flow by id, or null. <c>GET /flow/global</c> answers with the engine's global config nodes and subflows
    /// (docs/nodered.md §Global config nodes), which are no job: imported, a PUT over it would rewrite every flow's
    /// shared configs.
    /// </summary>
    private async Task<JsonObject?> GetJobFlowAsync(string flowId, CancellationToken ct) =>
        flowId == GlobalFlowId ? null : await client.GetFlowAsync(flowId, ct);

    public const string GlobalFlowId = "global";

    private async Task<NodeRedDeployment> PutAsync(string flowId, NodeRedFlow flow, CancellationToken ct) =>
        await client.PutFlowAsync(flowId, flow.Body, ct)
            ? new NodeRedDeployment(flowId, flow.Hash)
            : throw new NodeRedFlowGoneException(flowId);

    private async Task ValidateAsync(NodeRedFlow flow, CancellationToken ct) =>
        NodeRedFlowValidator.Validate(flow.Body, await client.GetNodeTypesAsync(ct));

    /// <summary>The tab holding any of the job's node ids; an error when they are spread over several.</summary>
    private async Task<string?> FlowHoldingAsync(NodeRedFlow flow, CancellationToken ct)
    {
        var ours = flow.NodeIds.ToHashSet(StringComparer.Ordinal);
        var tabs = (await client.GetFlowsAsync(ct)).OfType<JsonObject>()
            .Where(n => n["id"] is JsonValue id && id.GetValueKind() == JsonValueKind.String && ours.Contains(id.GetValue<string>()))
            .Select(n => n["z"]?.GetValue<string>() ?? "global").Distinct().ToList();
        return tabs.Count switch
        {
            0 => null,
            1 => tabs[0],
            _ => throw new NodeRedFlowInvalidException([$"the job's nodes ({flow.Prefix}-*) are spread over flows {string.Join(", ", tabs.Select(t => $"'{t}'"))}"]),
        };
    }
}

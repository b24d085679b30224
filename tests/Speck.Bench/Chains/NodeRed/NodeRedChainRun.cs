using System.Diagnostics;
using System.Text.Json.Nodes;
using Speck.Harness;
using Speck.Harness.Deployment;
using Speck.Testbed.NodeRed;

namespace Speck.Bench.Chains.NodeRed;

/// <summary>What one deploy → modify → delete of a chain on Node-RED sites measured.</summary>
public sealed record NodeRedChainMeasurement(int Jobs, double DeployMs, double ModifyMs, double DeleteMs, FlowCheck Modify, int FlowsLeft);

/// <summary>
/// What the modify did to the jobs' flows: each flow's ID and content read back from its engine's Admin API
/// (<c>GET /flow/:id</c>) before and after it. Deploys themselves are not counted: Node-RED mutes its deploy log lines
/// for the Admin API's per-flow calls, and the provider talks to the engine directly.
/// </summary>
public sealed record FlowCheck(int Changed, int UpdateSteps, int FlowsRewritten, int ChangedKeptId, int UnchangedRewritten, int UnchangedMoved);

/// <summary>One deploy, modify and delete of a chain through the engine harness, against running Node-RED sites.</summary>
public static class NodeRedChainRun
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Stack config for a Node-RED <see cref="ChainProgram"/> (the program names its engine kind itself).</summary>
    public static Dictionary<string, string> Config(NodeRedSites sites) =>
        sites.Config().Where(kv => !kv.Key.EndsWith("SpeKind", StringComparison.Ordinal)).ToDictionary();

    public static async Task<NodeRedChainMeasurement> RunAsync(NodeRedSites sites, ChainProgram program, string providerBinary, int parallel, CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("speck-bench-nodered-").FullName;
        try
        {
            var stack = new Stack(new StackOptions { ProgramDirectory = dir, Stack = ChainRun.StackName, ProviderBinary = providerBinary, Parallel = parallel });
            ChainRun.WriteConfig(dir, Config(sites));
            var urls = Enumerable.Range(0, program.Sites).Select(s => sites[$"site{s}"].EngineUrl).ToList();

            await File.WriteAllTextAsync(Path.Combine(dir, "Pulumi.yaml"), program.Yaml(), ct);
            var (deploy, deployMs) = await ChainSteps.TimedAsync(() => stack.UpAsync(ct));
            ChainSteps.Ensure(deploy, "deploy", "Node-RED chain", program.Jobs);
            var before = await SnapshotAsync(stack, program, urls, ct);

            var (modified, changed) = program.Modify(ChainRun.ModifiedCount(program.Jobs));
            await File.WriteAllTextAsync(Path.Combine(dir, "Pulumi.yaml"), modified.Yaml(), ct);
            var (modify, modifyMs) = await ChainSteps.TimedAsync(() => stack.UpAsync(ct));
            ChainSteps.Ensure(modify, "modify", "Node-RED chain", program.Jobs);
            var after = await SnapshotAsync(stack, program, urls, ct);

            var (delete, deleteMs) = await ChainSteps.TimedAsync(() => stack.DestroyAsync(ct));
            ChainSteps.Ensure(delete, "delete", "Node-RED chain", program.Jobs);
            var left = 0;
            foreach (var f in before.Values.Concat(after.Values).DistinctBy(f => (f.Url, f.FlowId)))
                if (await GetAsync($"{f.Url}/flow/{f.FlowId}", ct) is not null) left++;

            return new NodeRedChainMeasurement(program.Jobs, deployMs, modifyMs, deleteMs, Compare(before, after, changed, modify), left);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed record Flow(string Url, string FlowId, string Content);

    private static FlowCheck Compare(Dictionary<int, Flow> before, Dictionary<int, Flow> after, IReadOnlySet<int> changed, DeploymentResult modify)
    {
        int rewritten = 0, changedKeptId = 0, unchangedRewritten = 0, unchangedMoved = 0;
        foreach (var (job, b) in before)
        {
            var a = after[job];
            var sameFlow = a.FlowId == b.FlowId && a.Url == b.Url;
            var rewrote = !sameFlow || a.Content != b.Content;
            if (rewrote) rewritten++;
            if (changed.Contains(job))
            {
                if (sameFlow) changedKeptId++;
                continue;
            }
            if (!sameFlow) unchangedMoved++;
            if (rewrote) unchangedRewritten++;
        }
        return new FlowCheck(changed.Count, modify.Count(StepKind.Update), rewritten, changedKeptId, unchangedRewritten, unchangedMoved);
    }

    /// <summary>Job index → its flow as the engine holds it, for every StreamJob in the stack's state.</summary>
    private static async Task<Dictionary<int, Flow>> SnapshotAsync(Stack stack, ChainProgram program, IReadOnlyList<string> urls, CancellationToken ct)
    {
        var flows = new Dictionary<int, Flow>();
        foreach (var r in stack.LoadState().Snapshot().Where(r => r.Type == "speck:index:StreamJob"))
        {
            var job = int.Parse(r.Name.AsSpan("job".Length));
            var url = urls[program.SiteOfJob[job]];
            var id = r.Outputs["jobId"]!.GetValue<string>();
            var content = await GetAsync($"{url}/flow/{Uri.EscapeDataString(id)}", ct)
                ?? throw new InvalidOperationException($"{r.Name}: flow {id} is not on {url}");
            flows[job] = new Flow(url, id, content.ToJsonString());
        }
        return flows;
    }

    private static async Task<JsonNode?> GetAsync(string url, CancellationToken ct)
    {
        using var res = await Http.GetAsync(url, ct);
        if (res.StatusCode == System.Net.HttpStatusCode.NotFound) return null;
        res.EnsureSuccessStatusCode();
        return JsonNode.Parse(await res.Content.ReadAsStringAsync(ct));
    }

}

using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Speck.Harness;
using Speck.Harness.Deployment;

namespace Speck.Bench.Chains;

/// <summary>What one deploy → modify → delete of a chain measured.</summary>
public sealed record ChainMeasurement
{
    public required int Jobs { get; init; }
    public required int Parallel { get; init; }
    /// <summary>Run with <c>PULUMI_SKIP_CHECKPOINTS</c>: the harness writes the state once per operation, not around every step.</summary>
    public bool SkipCheckpoints { get; init; }
    public double DeployMs { get; init; }
    public double ModifyMs { get; init; }
    public double DeleteMs { get; init; }
    public int DeployCalls { get; init; }
    public int ModifyCalls { get; init; }
    public int DeleteCalls { get; init; }
    public long UploadBytes { get; init; }
    public int Uploads { get; init; }
    /// <summary>Provider gRPC calls of the deploy (preview and update).</summary>
    public int DeployProviderCalls { get; init; }
    public required StateSize State { get; init; }
    public required ModifyCheck Modify { get; init; }
}

/// <summary>
/// Which jobs the SPE calls of a modify were about: a call names a job by its ID (path, or run body); calls that name
/// none (config, job list, jar upload) are counted apart.
/// </summary>
public sealed record ModifyCheck(int Changed, int UpdateSteps, int JobsTouched, int UnchangedTouched, int CallsNamingNoJob);

/// <summary>One deploy, modify and delete of a chain through the engine harness, against fresh stand-ins.</summary>
public static partial class ChainRun
{
    public const string StackName = "bench";

    public static int ModifiedCount(int jobs) => Math.Max(1, jobs / 10);

    public static async Task<ChainMeasurement> RunAsync(ChainSites sites, ChainProgram program, string providerBinary, int parallel, bool skipCheckpoints, CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("speck-bench-chain-").FullName;
        try
        {
            var stack = new Stack(new StackOptions { ProgramDirectory = dir, Stack = StackName, ProviderBinary = providerBinary, Parallel = parallel, SkipCheckpoints = skipCheckpoints });
            WriteConfig(dir, sites.Config());

            await File.WriteAllTextAsync(Path.Combine(dir, "Pulumi.yaml"), program.Yaml(), ct);
            sites.ClearRequestLogs();
            var (deploy, deployMs) = await ChainSteps.TimedAsync(() => stack.UpAsync(ct));
            ChainSteps.Ensure(deploy, "deploy", "chain", program.Jobs);
            var deployRequests = sites.Requests();
            var state = StateSize.Of(stack.StatePath);
            var before = JobIds(stack);

            var k = ModifiedCount(program.Jobs);
            var (modified, changed) = program.Modify(k);
            await File.WriteAllTextAsync(Path.Combine(dir, "Pulumi.yaml"), modified.Yaml(), ct);
            sites.ClearRequestLogs();
            var (modify, modifyMs) = await ChainSteps.TimedAsync(() => stack.UpAsync(ct));
            ChainSteps.Ensure(modify, "modify", "chain", program.Jobs);
            var modifyRequests = sites.Requests();
            var check = Attribute(modifyRequests, before, JobIds(stack), changed, modify);

            sites.ClearRequestLogs();
            var (delete, deleteMs) = await ChainSteps.TimedAsync(() => stack.DestroyAsync(ct));
            ChainSteps.Ensure(delete, "delete", "chain", program.Jobs);
            var deleteRequests = sites.Requests();

            var uploads = deployRequests.Where(r => r.Method == "POST" && FlinkStandIn.Control.PathPattern.Matches("/jars/upload", r.Path)).ToList();
            return new ChainMeasurement
            {
                Jobs = program.Jobs, Parallel = parallel, SkipCheckpoints = skipCheckpoints,
                DeployMs = deployMs, ModifyMs = modifyMs, DeleteMs = deleteMs,
                DeployCalls = deployRequests.Count, ModifyCalls = modifyRequests.Count, DeleteCalls = deleteRequests.Count,
                Uploads = uploads.Count, UploadBytes = uploads.Sum(u => u.RequestBytes ?? 0),
                DeployProviderCalls = deploy.Calls.Count + (deploy.Preview?.Calls.Count ?? 0),
                State = state, Modify = check,
            };
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    internal static void WriteConfig(string dir, Dictionary<string, string> config) =>
        File.WriteAllText(Path.Combine(dir, $"Pulumi.{StackName}.yaml"),
            "config:\n" + string.Concat(config.Select(kv => $"  chain:{kv.Key}: \"{kv.Value}\"\n")));


    /// <summary>Job ID (Flink's) → resource name, from the stack's state.</summary>
    private static Dictionary<string, string> JobIds(Stack stack) =>
        stack.LoadState().Snapshot()
            .Where(r => r.Type == "speck:index:StreamJob" && r.Outputs["jobId"] is JsonValue)
            .ToDictionary(r => r.Outputs["jobId"]!.GetValue<string>(), r => r.Name);

    private static ModifyCheck Attribute(IReadOnlyList<FlinkStandIn.Control.RequestLogEntry> requests, Dictionary<string, string> before,
        Dictionary<string, string> after, IReadOnlySet<int> changed, DeploymentResult modify)
    {
        var touched = new HashSet<string>();
        var namingNone = 0;
        foreach (var r in requests)
        {
            var ids = JobId().Matches(r.Path + " " + r.Body).Select(m => m.Value).ToList();
            var names = ids.Select(id => before.GetValueOrDefault(id) ?? after.GetValueOrDefault(id)).OfType<string>().ToList();
            if (names.Count == 0) namingNone++;
            touched.UnionWith(names);
        }
        var changedNames = changed.Select(ChainProgram.JobName).ToHashSet();
        return new ModifyCheck(changed.Count, modify.Count(StepKind.Update), touched.Count, touched.Count(t => !changedNames.Contains(t)), namingNone);
    }

    [GeneratedRegex("[0-9a-f]{32}")]
    private static partial Regex JobId();
}

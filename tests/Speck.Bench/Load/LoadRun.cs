using System.Diagnostics;
using Speck.Bench.Chains;
using Speck.Harness;
using Speck.Harness.Deployment;
using Speck.Harness.State;

namespace Speck.Bench.Load;

/// <summary>
/// One phase of a load run: its wall time, what the provider processes used (CPU summed, peak RSS the highest of
/// them), and apart from it what the harness spent writing its state (checkpoints) and what this process used
/// (harness and stand-ins).
/// </summary>
public sealed record LoadPhase(string Name, int Jobs, bool Checkpoints, double WallMs, double ProviderCpuMs, double ProviderPeakMiB, int ProviderProcesses,
    int ProviderCalls, int SpeRequests, long CheckpointWrites, double CheckpointMs, double BenchCpuMs, int Steps)
{
    public double ProviderCpuMsPerJob => ProviderCpuMs / Jobs;
    public double CheckpointMsPerJob => CheckpointMs / Jobs;
}

/// <summary>
/// N jobs over the sites (a chain, as <see cref="ChainProgram"/> builds it): deploy (<c>up</c> = preview + update),
/// a preview of the program with k = min(10, N) jobs changed, the <c>up</c> of it, refresh, destroy; each checked to succeed and
/// to do what it should (10 update steps, no drift, everything deleted).
/// </summary>
public static class LoadRun
{
    public const int Changed = 10;

    /// <param name="checkpoints">The harness writes its state around every step as the engine does; without, once per phase (<c>PULUMI_SKIP_CHECKPOINTS</c>).</param>
    public static async Task<IReadOnlyList<LoadPhase>> RunAsync(ChainSites sites, int jobs, string providerBinary, int parallel, bool checkpoints, CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("speck-bench-load-").FullName;
        try
        {
            var stack = new Stack(new StackOptions { ProgramDirectory = dir, Stack = ChainRun.StackName, ProviderBinary = providerBinary, Parallel = parallel, SkipCheckpoints = !checkpoints });
            ChainRun.WriteConfig(dir, sites.Config());
            var program = ChainProgram.Random(jobs, sites.Spes.Count);
            var (modified, _) = program.Modify(Math.Min(Changed, jobs));
            var phases = new List<LoadPhase>();

            await File.WriteAllTextAsync(Path.Combine(dir, "Pulumi.yaml"), program.Yaml(), ct);
            phases.Add(await PhaseAsync(checkpoints, "deploy", jobs, sites, () => stack.UpAsync(ct), r => r.Count(StepKind.Create) == ResourcesOf(program)));

            await File.WriteAllTextAsync(Path.Combine(dir, "Pulumi.yaml"), modified.Yaml(), ct);
            phases.Add(await PhaseAsync(checkpoints, "preview, k changed", jobs, sites, () => stack.PreviewAsync(ct), r => r.Count(StepKind.Update) == Math.Min(Changed, jobs)));
            phases.Add(await PhaseAsync(checkpoints, "up, k changed", jobs, sites, () => stack.UpAsync(ct), r => r.Count(StepKind.Update) == Math.Min(Changed, jobs)));
            phases.Add(await PhaseAsync(checkpoints, "refresh", jobs, sites, () => stack.RefreshAsync(ct), r => !r.Steps.Any(s => s.Drift)));
            phases.Add(await PhaseAsync(checkpoints, "destroy", jobs, sites, () => stack.DestroyAsync(ct), r => r.Count(StepKind.Delete) == ResourcesOf(program)));
            return phases;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The program's resources: the sites, the topics (one more than jobs) and the jobs.</summary>
    private static int ResourcesOf(ChainProgram p) => p.Sites + p.Jobs + 1 + p.Jobs;

    private static async Task<LoadPhase> PhaseAsync(bool checkpoints, string name, int jobs, ChainSites sites, Func<Task<DeploymentResult>> op, Func<DeploymentResult, bool> check)
    {
        sites.ClearRequestLogs();
        var writes = StateWrites.Total;
        var cpu = CpuTimes.Now();
        var sw = Stopwatch.StartNew();
        var r = await op();
        var wall = sw.Elapsed.TotalMilliseconds;
        var benchCpu = (CpuTimes.Now() - cpu).SelfMs;
        var (count, elapsed) = StateWrites.Total;
        ChainSteps.Ensure(r, name, "load", jobs);
        if (!check(r))
            throw new InvalidOperationException($"{name} of {jobs} jobs did not do what it should: {string.Join(", ", r.Steps.GroupBy(s => s.Kind).Select(g => $"{g.Count()} {g.Key}"))}");
        var processes = new[] { r.Preview, r }.OfType<DeploymentResult>().ToList();
        var usage = processes.Select(p => p.ProviderUsage ?? throw new InvalidOperationException($"{name}: the provider's usage could not be read (Linux /proc only)")).ToList();
        return new LoadPhase(name, jobs, checkpoints, wall, usage.Sum(u => u.CpuMs), usage.Max(u => u.PeakRssMiB), usage.Count,
            processes.Sum(p => p.Calls.Count), sites.Requests().Count, count - writes.Count, (elapsed - writes.Elapsed).TotalMilliseconds, benchCpu, r.Steps.Count);
    }
}

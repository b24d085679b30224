using System.Diagnostics;
using System.Text.Json.Nodes;
using Speck.Harness;

namespace Speck.Bench.Chains;

/// <summary>
/// Where a deploy's time goes: one deploy with the harness's gRPC log (PULUMI_DEBUG_GRPC-style lines with timestamps
/// and durations), split into the provider's Create calls per resource type and the rest.
/// </summary>
public sealed record DeployBreakdown(int Jobs, int Parallel, double WallMs, double CreateSpanMs, double SiteCreateMs, double TopicCreateMs,
    double JobCreateMedianMs, double JobCreateMaxMs, int ProviderCalls)
{
    /// <summary>The stand-ins' answers during the first StreamJob Create, from its start (for the progress log).</summary>
    public IReadOnlyList<string> FirstJobTimeline { get; init; } = [];
    /// <summary>A StreamJob Create (medians over the jobs): from its start to its first poll's answer (just after the run's), from there to its end, and its polls.</summary>
    public double JobToRunMs { get; init; } = double.NaN;
    public double JobAfterRunMs { get; init; } = double.NaN;
    public double JobPolls { get; init; } = double.NaN;
    /// <summary>CPU used during the deploy: this process (harness, stand-ins) and the two provider processes.</summary>
    public CpuTimes Cpu { get; init; }
    /// <summary>Deployed with <c>PULUMI_SKIP_CHECKPOINTS</c>.</summary>
    public bool SkipCheckpoints { get; init; }
    /// <summary>The harness's state-file writes during the deploy (the engine writes the whole state before and after every step).</summary>
    public long StateWrites { get; init; }
    public double StateWriteMs { get; init; }
    /// <summary>The share of all cores' time over the wall time the deploy used (brokers not counted).</summary>
    public double CpuShare => (Cpu.SelfMs + Cpu.ChildrenMs) / (WallMs * Environment.ProcessorCount);

    public string Describe() =>
        $"{Jobs} job(s), parallelism {Parallel}{(SkipCheckpoints ? " without checkpoints" : "")}: wall {WallMs / 1000:0.00} s, of which {CreateSpanMs / 1000:0.00} s from the first Create to the " +
        $"last one's answer; a Create takes (median) {SiteCreateMs:0} ms for a SpeSite, {TopicCreateMs:0} ms for a Topic, " +
        $"{JobCreateMedianMs:0} ms for a StreamJob (slowest {JobCreateMaxMs:0} ms; median {JobToRunMs:0} ms to the first poll's answer, {JobAfterRunMs:0} ms " +
        $"after it, {JobPolls:0} polls); {ProviderCalls} provider calls; CPU: providers " +
        $"{Cpu.ChildrenMs:0} ms, harness and stand-ins {Cpu.SelfMs:0} ms (state file written {StateWrites} times in {StateWriteMs:0} ms) ({CpuShare:P0} of {Environment.ProcessorCount} cores; all cores busy {Cpu.MachineBusyShare:P0})";
}

public static class ChainExplain
{
    public static async Task<DeployBreakdown> DeployAsync(ChainSites sites, ChainProgram program, string providerBinary, int parallel, bool skipCheckpoints, CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("speck-bench-explain-").FullName;
        try
        {
            var log = Path.Combine(dir, "grpc.jsonl");
            var stack = new Stack(new StackOptions { ProgramDirectory = dir, Stack = ChainRun.StackName, ProviderBinary = providerBinary, Parallel = parallel, SkipCheckpoints = skipCheckpoints, GrpcLogPath = log });
            ChainRun.WriteConfig(dir, sites.Config());
            await File.WriteAllTextAsync(Path.Combine(dir, "Pulumi.yaml"), program.Yaml(), ct);
            var cpu = CpuTimes.Now();
            var writes = Harness.State.StateWrites.Total;
            var sw = Stopwatch.StartNew();
            var up = await stack.UpAsync(ct);
            var wall = sw.Elapsed.TotalMilliseconds;
            cpu = CpuTimes.Now() - cpu;
            var written = Harness.State.StateWrites.Total;
            if (!up.Succeeded) throw new InvalidOperationException($"explain deploy failed: {string.Join("; ", up.Errors.Take(3))}");
            var requests = sites.Requests();
            await stack.DestroyAsync(ct);

            var creates = File.ReadLines(log).Select(l => JsonNode.Parse(l)!.AsObject())
                .Where(l => l["progress"]?.GetValue<string>() == "response_completed" && l["method"]!.GetValue<string>().EndsWith("/Create", StringComparison.Ordinal))
                .Where(l => l["request"]?["preview"]?.GetValue<bool>() != true)
                .Select(l =>
                {
                    var end = DateTimeOffset.Parse(l["timestamp"]!.GetValue<string>());
                    var ms = l["duration"]!.GetValue<long>() / 1e6;
                    var urn = l["request"]!["urn"]!.GetValue<string>();
                    var id = l["response"]?["id"]?.GetValue<string>() ?? "";
                    return (Type: urn.Split("::")[2], Start: end.AddMilliseconds(-ms), End: end, Ms: ms, Id: id);
                }).ToList();
            double Median(string type)
            {
                var s = new Sample("ms");
                foreach (var c in creates.Where(c => c.Type == type)) s.Add(c.Ms);
                return s.Values.Count == 0 ? double.NaN : s.Median;
            }
            var firstJob = creates.Where(c => c.Type == "speck:index:StreamJob").MinBy(c => c.Start);
            var timeline = requests.Where(r => r.Time >= firstJob.Start && r.Time <= firstJob.End).OrderBy(r => r.Time)
                .Select(r => $"+{(r.Time - firstJob.Start).TotalMilliseconds:0} ms {r.Method} {r.Path} {r.Status}").ToList();
            // Each StreamJob Create split at the answer to its first poll (GET /jobs/<the job ID its resource ID ends with>),
            // which follows its run request's answer at once: before it the lookups, upload and run; after it the wait to RUNNING.
            var (toRun, afterRun, polls) = (new Sample("ms"), new Sample("ms"), new Sample(""));
            foreach (var c in creates.Where(c => c.Type == "speck:index:StreamJob"))
            {
                var jobId = c.Id[(c.Id.LastIndexOf('/') + 1)..];
                var mine = requests.Where(r => r.Method == "GET" && jobId.Length > 0 && r.Path.EndsWith("/jobs/" + jobId, StringComparison.Ordinal)
                    && r.Time >= c.Start && r.Time <= c.End).OrderBy(r => r.Time).ToList();
                if (mine.Count == 0) continue;
                toRun.Add((mine[0].Time - c.Start).TotalMilliseconds);
                afterRun.Add((c.End - mine[0].Time).TotalMilliseconds);
                polls.Add(mine.Count);
            }
            return new DeployBreakdown(program.Jobs, parallel, wall, (creates.Max(c => c.End) - creates.Min(c => c.Start)).TotalMilliseconds,
                Median("speck:index:SpeSite"), Median("speck:index:Topic"), Median("speck:index:StreamJob"),
                creates.Where(c => c.Type == "speck:index:StreamJob").Max(c => c.Ms), up.Calls.Count + (up.Preview?.Calls.Count ?? 0))
            {
                FirstJobTimeline = timeline, Cpu = cpu, SkipCheckpoints = skipCheckpoints,
                StateWrites = written.Count - writes.Count, StateWriteMs = (written.Elapsed - writes.Elapsed).TotalMilliseconds,
                JobToRunMs = toRun.Values.Count == 0 ? double.NaN : toRun.Median,
                JobAfterRunMs = afterRun.Values.Count == 0 ? double.NaN : afterRun.Median,
                JobPolls = polls.Values.Count == 0 ? double.NaN : polls.Median,
            };
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

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

    public string Describe() =>
        $"{Jobs} job(s), parallelism {Parallel}: wall {WallMs / 1000:0.00} s, of which {CreateSpanMs / 1000:0.00} s from the first Create to the " +
        $"last one's answer; a Create takes (median) {SiteCreateMs:0} ms for a SpeSite, {TopicCreateMs:0} ms for a Topic, " +
        $"{JobCreateMedianMs:0} ms for a StreamJob (slowest {JobCreateMaxMs:0} ms); {ProviderCalls} provider calls";
}

public static class ChainExplain
{
    public static async Task<DeployBreakdown> DeployAsync(ChainSites sites, ChainProgram program, string providerBinary, int parallel, CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("speck-bench-explain-").FullName;
        try
        {
            var log = Path.Combine(dir, "grpc.jsonl");
            var stack = new Stack(new StackOptions { ProgramDirectory = dir, Stack = ChainRun.StackName, ProviderBinary = providerBinary, Parallel = parallel, GrpcLogPath = log });
            ChainRun.WriteConfig(dir, sites.Config());
            await File.WriteAllTextAsync(Path.Combine(dir, "Pulumi.yaml"), program.Yaml(), ct);
            var sw = Stopwatch.StartNew();
            var up = await stack.UpAsync(ct);
            var wall = sw.Elapsed.TotalMilliseconds;
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
                    return (Type: urn.Split("::")[2], Start: end.AddMilliseconds(-ms), End: end, Ms: ms);
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
            return new DeployBreakdown(program.Jobs, parallel, wall, (creates.Max(c => c.End) - creates.Min(c => c.Start)).TotalMilliseconds,
                Median("speck:index:SpeSite"), Median("speck:index:Topic"), Median("speck:index:StreamJob"),
                creates.Where(c => c.Type == "speck:index:StreamJob").Max(c => c.Ms), up.Calls.Count + (up.Preview?.Calls.Count ?? 0))
            {
                FirstJobTimeline = timeline,
            };
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

using Speck.Bench.Chains;

namespace Speck.Bench;

/// <summary>The whole benchmark, in the order the report shows it.</summary>
public static class Bench
{
    public static async Task<Report> RunAsync(BenchOptions opts, TextWriter progress, CancellationToken ct)
    {
        var report = new Report($"{Environment.ProcessorCount} cores, {Environment.OSVersion}");
        await ChainBench.RunAsync(opts, report, progress, ct);
        if (opts.JitProvider is not null && opts.AotProvider is not null) await StartupBench.RunAsync(opts, report, ct);
        else report.Text("Provider start-up: not measured (give both `--jit` and `--aot`).");
        return report;
    }
}

using Speck.Bench.Chains;

namespace Speck.Bench;

/// <summary>The whole benchmark, in the order the report shows it.</summary>
public static class Bench
{
    public static async Task<Report> RunAsync(BenchOptions opts, TextWriter progress, CancellationToken ct)
    {
        var report = new Report($"{Environment.ProcessorCount} cores, {Environment.OSVersion}");
        if (opts.Note is not null) report.Text($"**Note:** {opts.Note}");
        await ChainBench.RunAsync(opts, report, progress, ct);
        // Start-up gets its own few minutes, so chains that ran out of time still leave it measured.
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        if (opts.JitProvider is not null && opts.AotProvider is not null) await StartupBench.RunAsync(opts, report, startup.Token);
        else report.Text("Provider start-up: not measured (give both `--jit` and `--aot`).");
        return report;
    }
}

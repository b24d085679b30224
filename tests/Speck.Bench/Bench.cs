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
        report.Section("Chains on Node-RED",
            "**Not measured.** On this branch StreamJob's Check refuses a site whose engine is not Flink (`site.spe.kind`: " +
            "\"StreamJob runs jars on Flink sites\"): the Node-RED binder's job operations exist, but no StreamJob can reach them yet, " +
            "so there is nothing honest to time. The chains above are the Flink half of the seed's Fig. 6.");
        // Start-up gets its own few minutes, so chains that ran out of time still leave it measured.
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        if (opts.JitProvider is not null && opts.AotProvider is not null) await StartupBench.RunAsync(opts, report, startup.Token);
        else report.Text("Provider start-up: not measured (give both `--jit` and `--aot`).");
        return report;
    }
}

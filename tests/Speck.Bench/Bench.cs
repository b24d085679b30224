using Speck.Bench.Chains;
using Speck.Bench.Chains.NodeRed;
using Speck.Bench.Load;

namespace Speck.Bench;

/// <summary>The whole benchmark, in the order the report shows it.</summary>
public static class Bench
{
    public static async Task<Report> RunAsync(BenchOptions opts, TextWriter progress, CancellationToken ct)
    {
        var report = new Report($"{Environment.ProcessorCount} cores, {Environment.OSVersion}");
        if (opts.Note is not null) report.Text($"**Note:** {opts.Note}");
        if (opts.LoadOnly || opts.StartupOnly)
        {
            if (opts.LoadOnly) await LoadAsync(opts, report, progress);
            if (opts.StartupOnly) await StartupAsync(opts, report);
            return report;
        }
        await ChainBench.RunAsync(opts, report, progress, ct);
        if (opts.NodeRedSites > 0)
        {
            // Its own limit, like start-up below: the Flink chains running out of time must not leave it unmeasured.
            using var nodeRed = new CancellationTokenSource(TimeSpan.FromMinutes(opts.NodeRedMaxMinutes));
            NodeRedChainReport.Write(await NodeRedChainBench.RunAsync(opts, progress, nodeRed.Token), report);
        }
        await LoadAsync(opts, report, progress);
        await StartupAsync(opts, report);
        return report;
    }

    /// <summary>Start-up gets its own few minutes, so chains that ran out of time still leave it measured.</summary>
    private static async Task StartupAsync(BenchOptions opts, Report report)
    {
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        if (opts.JitProvider is not null && opts.AotProvider is not null) await StartupBench.RunAsync(opts, report, startup.Token);
        else report.Text("Provider start-up: not measured (give both `--jit` and `--aot`).");
    }

    /// <summary>Its own limit too: chains that ran out of time must not leave the load unmeasured.</summary>
    private static async Task LoadAsync(BenchOptions opts, Report report, TextWriter progress)
    {
        if (opts.LoadSizes.Count == 0) return;
        using var load = new CancellationTokenSource(TimeSpan.FromMinutes(opts.LoadMaxMinutes));
        LoadReport.Write(await LoadBench.RunAsync(opts, progress, load.Token), report);
    }
}

namespace Speck.Bench;

/// <summary>Cold start (spawn → port line) and resident memory of the JIT build against the NativeAOT build.</summary>
public static class StartupBench
{
    public const double TargetMs = 30;

    public static async Task RunAsync(BenchOptions opts, Report report, CancellationToken ct)
    {
        var all = await ColdStart.MeasureAsync([opts.JitProvider!, opts.AotProvider!, Baseline], opts.Runs * 2, ct);
        var (jit, aot, baseline) = (all[0], all[1], all[2]);
        var phases = await StartupPhases.MeasureAsync(opts.AotProvider!, ct);
        var instructions = await StartupInstructions.CountAsync(opts.AotProvider!, ct);
        report.Section("Provider start-up",
            $"Spawn of `pulumi-resource-speck` until its port line, as the engine waits for it; {opts.Runs * 2} runs each, " +
            "the two builds taking turns with a baseline: `/bin/echo` spawned the same way (what spawning a process and reading its " +
            "first line costs the measuring process itself). Peak RSS is the kernel's high-water mark (VmHWM) when the port line arrives.");
        report.Table(["build", "start min / median / max", "peak RSS min / median / max"],
        [
            ["JIT (`dotnet build`)", jit.StartMs.Summary(), jit.PeakRssMiB.Summary()],
            ["NativeAOT (`make provider`)", aot.StartMs.Summary(), aot.PeakRssMiB.Summary()],
            ["baseline (`/bin/echo 0`)", baseline.StartMs.Summary(), "–"],
        ]);
        report.Text($"NativeAOT starts {jit.StartMs.Median / aot.StartMs.Median:0.0}× faster than JIT and uses " +
                    $"{jit.PeakRssMiB.Median / aot.PeakRssMiB.Median:0.0}× less memory at start.");
        if (instructions is { } ir)
            report.Text($"Under valgrind's callgrind, the NativeAOT start executes {ir / 1e6:0.0} M instructions until its port line: a count that does not " +
                        "depend on what else runs on the shared cores, to compare builds by (the wall times above do).");
        var why = $"The spawn itself (baseline) takes {baseline.StartMs.Median:0.0} ms of it here, on a 2-core machine shared with other builds. ";
        if (phases is not null)
        {
            var total = phases.RuntimeMs + phases.HostMs + phases.PortLineMs;
            report.Text($"Under strace (which slows every system call, so read the shares): from exec until the host is built (runtime set-up, the provider's construction) " +
                        $"{phases.RuntimeMs:0.0} ms ({phases.RuntimeMs / total:P0}), building and starting the ASP.NET Core host until the socket " +
                        $"is bound {phases.HostMs:0.0} ms ({phases.HostMs / total:P0}), then the port line {phases.PortLineMs:0.0} ms.");
            why += $"Of the rest, strace puts {phases.HostMs / total:P0} in building and starting the ASP.NET Core host (DI, Kestrel, the gRPC " +
                   $"endpoint) and {phases.RuntimeMs / total:P0} before it (runtime set-up, the provider's construction); a lighter gRPC server than Kestrel would be the next step.";
        }
        report.Target("NativeAOT provider start (spawn → port line, median)", aot.StartMs.Median, TargetMs, "ms", why);
    }

    /// <summary>Prints a number at once: the cost of spawning and reading a line, with no provider in it.</summary>
    private const string Baseline = "/bin/echo 0";
}

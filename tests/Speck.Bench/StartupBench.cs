namespace Speck.Bench;

/// <summary>Cold start (spawn → port line) and resident memory of the JIT build against the NativeAOT build.</summary>
public static class StartupBench
{
    public const double TargetMs = 30;

    public static async Task RunAsync(BenchOptions opts, Report report, CancellationToken ct)
    {
        var both = await ColdStart.MeasureAsync([opts.JitProvider!, opts.AotProvider!], opts.Runs * 2, ct);
        var (jit, aot) = (both[0], both[1]);
        report.Section("Provider start-up",
            $"Spawn of `pulumi-resource-speck` until its port line, as the engine waits for it; {opts.Runs * 2} runs each, " +
            "the two builds taking turns. Peak RSS is the kernel's high-water mark (VmHWM) when the port line arrives.");
        report.Table(["build", "start min / median / max", "peak RSS min / median / max"],
        [
            ["JIT (`dotnet build`)", jit.StartMs.Summary(), jit.PeakRssMiB.Summary()],
            ["NativeAOT (`make provider`)", aot.StartMs.Summary(), aot.PeakRssMiB.Summary()],
        ]);
        report.Text($"NativeAOT starts {jit.StartMs.Median / aot.StartMs.Median:0.0}× faster than JIT and uses " +
                    $"{jit.PeakRssMiB.Median / aot.PeakRssMiB.Median:0.0}× less memory at start.");
        report.Target("NativeAOT provider start (spawn → port line, median)", aot.StartMs.Median, TargetMs, "ms",
            "Kestrel and the gRPC service set-up dominate start-up; the JIT build pays for compiling them too.");
    }
}

namespace Speck.Bench.Load;

/// <summary>The load section of docs/benchmarks.md: every phase of every size, how the per-job costs grow, the harness's checkpoints apart.</summary>
public static class LoadReport
{
    /// <summary>Per-job cost at the largest size over the smallest: above this, something grows faster than the jobs.</summary>
    public const double LinearGrowthLimit = 1.5;

    public static void Write(LoadResults r, Report report)
    {
        var o = r.Options;
        var sizes = r.Sizes(checkpoints: false);
        report.Section("Load: up to " + (sizes.Count > 0 ? sizes[^1].ToString("N0") : "?") + " jobs over " + o.LoadSites + " Flink sites",
            $"The chain program above (seed {Chains.ChainProgram.Seed}) with {string.Join(", ", o.LoadSizes.Select(n => n.ToString("N0")))} jobs over {o.LoadSites} Flink stand-in " +
            $"sites in {(o.LoadSites + 1) / 2} pairs (one Mosquitto broker per pair, {o.RttMs} ms before every request to another pair), parallelism {o.Parallel}, " +
            "the NativeAOT provider. Each size on fresh stand-ins: deploy (`up` = preview + update), `preview` of the program with " +
            $"k = {LoadRun.Changed} jobs' arguments changed (all jobs when fewer), the `up` of it (savepoint upgrades), `refresh`, `destroy`; each phase is checked (every " +
            "resource created, exactly the changed jobs updated, no drift, every resource deleted). Provider CPU is utime + stime of the " +
            "provider processes of the phase (`/proc/<pid>/stat`, read just before the harness stops each; an `up` has two, preview and " +
            "update), in 10 ms ticks; peak RSS is the highest VmHWM among them, and per job it counts what the peak adds to an idle " +
            $"provider's ({r.IdlePeakMiB:0.0} MiB). These runs use `PULUMI_SKIP_CHECKPOINTS`: the harness writes the state once, when the phase " +
            "ends (that one write is the \"state write\" column); the checkpoints' own cost is measured apart below. Harness + stand-ins is " +
            $"this process's CPU (the harness engine and the {o.LoadSites} in-process Flink stand-ins; not the brokers)." +
            (r.TimedOut ? $" **The run hit its {o.LoadMaxMinutes}-minute limit; what is shown is what was measured.**" : ""));
        report.Table(["jobs", "phase", "wall", "provider CPU", "provider CPU / job", "provider peak RSS", "peak over idle / job", "provider calls", "SPE requests", "state write", "harness + stand-ins CPU"],
            r.With(checkpoints: false).Select(p => (IReadOnlyList<string>)
            [
                p.Jobs.ToString("N0"), p.Name, $"{p.WallMs / 1000:0.00} s", $"{p.ProviderCpuMs / 1000:0.00} s", $"{p.ProviderCpuMsPerJob:0.00} ms",
                $"{p.ProviderPeakMiB:0.0} MiB", $"{MemoryPerJobKiB(r, p):0.0} KiB", p.ProviderCalls.ToString("N0"), p.SpeRequests.ToString("N0"),
                p.CheckpointWrites == 0 ? "–" : $"{p.CheckpointMs:0} ms", $"{p.BenchCpuMs / 1000:0.00} s",
            ]));
        Growth(r, report, sizes);
        Checkpoints(r, report);
    }

    private static void Growth(LoadResults r, Report report, IReadOnlyList<int> sizes)
    {
        if (sizes.Count < 2) return;
        var (small, large) = (sizes[0], sizes[^1]);
        report.Text($"How the provider's per-job costs grow from {small:N0} to {large:N0} jobs ({(double)large / small:0.#}× the jobs): the per-job cost at {large:N0} over the one at {small:N0}. " +
                    "1.0× is linear growth of the whole; above it a phase costs more per job the more jobs there are, below it fixed costs (process start, schema, sites) are spread thinner. " +
                    $"Peak RSS per added job is what each of the {large - small:N0} added jobs added to the peak.");
        var rows = new List<IReadOnlyList<string>>();
        foreach (var name in r.PhaseNames)
        {
            if (r.Of(small, name) is not { } a || r.Of(large, name) is not { } b) continue;
            rows.Add([name, $"{a.ProviderCpuMsPerJob:0.00} → {b.ProviderCpuMsPerJob:0.00} ms", Ratio(b.ProviderCpuMsPerJob, a.ProviderCpuMsPerJob),
                $"{a.ProviderPeakMiB:0.0} → {b.ProviderPeakMiB:0.0} MiB", $"{MemoryPerJobKiB(r, a):0.0} → {MemoryPerJobKiB(r, b):0.0} KiB", Ratio(MemoryPerJobKiB(r, b), MemoryPerJobKiB(r, a)),
                $"{(b.ProviderPeakMiB - a.ProviderPeakMiB) * 1024 / (large - small):0.0} KiB",
                $"{a.WallMs / a.Jobs:0.0} → {b.WallMs / b.Jobs:0.0} ms", Ratio(b.WallMs / b.Jobs, a.WallMs / a.Jobs)]);
        }
        report.Table(["phase", "provider CPU / job", "growth", "provider peak RSS", "peak over idle / job", "growth", "peak RSS per added job", "wall / job", "growth"], rows);
        if (r.Of(small, "deploy") is { } d0 && r.Of(large, "deploy") is { } d1)
            report.Target($"provider CPU per job of a deploy, {large:N0} jobs against {small:N0} over {r.Options.LoadSites} sites (growth of the per-job cost)",
                d1.ProviderCpuMsPerJob / d0.ProviderCpuMsPerJob, LinearGrowthLimit, "×");
        var worst = r.PhaseNames.Select(n => (n, a: r.Of(small, n), b: r.Of(large, n))).Where(x => x.a is not null && x.b is not null)
            .Select(x => (x.n, ratio: x.b!.ProviderCpuMsPerJob / x.a!.ProviderCpuMsPerJob)).OrderByDescending(x => x.ratio).FirstOrDefault();
        if (worst.n is not null)
            report.Target($"provider CPU per job in the phase whose per-job cost grows most ({worst.n}), {large:N0} jobs against {small:N0}", worst.ratio, LinearGrowthLimit, "×");
    }

    private static void Checkpoints(LoadResults r, Report report)
    {
        var sizes = r.Sizes(checkpoints: true);
        if (sizes.Count == 0) return;
        report.Text($"The harness's checkpoints, apart from the provider: the same runs at {string.Join(" and ", sizes.Select(n => n.ToString("N0")))} jobs with checkpoints on, as " +
                    "the engine writes them (the whole state before and after every step, one write at a time; a same step writes only when something " +
                    "that matters changed). Every write is the whole state, so their cost grows with the square of the resources: that is the engine's " +
                    "design (and why Pulumi offers `PULUMI_SKIP_CHECKPOINTS` and journaling), not the provider's. The provider's CPU is shown for comparison.");
        report.Table(["jobs", "phase", "wall", "checkpoints", "checkpoint time", "checkpoint time / job", "harness + stand-ins CPU", "provider CPU"],
            r.With(checkpoints: true).Select(p => (IReadOnlyList<string>)
            [
                p.Jobs.ToString("N0"), p.Name, $"{p.WallMs / 1000:0.00} s", p.CheckpointWrites.ToString("N0"), $"{p.CheckpointMs / 1000:0.00} s",
                $"{p.CheckpointMsPerJob:0.00} ms", $"{p.BenchCpuMs / 1000:0.00} s", $"{p.ProviderCpuMs / 1000:0.00} s",
            ]));
    }

    /// <summary>What the phase's peak adds to an idle provider's, per job, in KiB.</summary>
    public static double MemoryPerJobKiB(LoadResults r, LoadPhase p) => Math.Max(0, p.ProviderPeakMiB - r.IdlePeakMiB) * 1024 / p.Jobs;

    private static string Ratio(double b, double a) => a > 0 ? $"{b / a:0.00}×" : "–";
}

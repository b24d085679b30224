namespace Speck.Bench.Chains;

/// <summary>The chain sections of docs/benchmarks.md, their plot, and their targets.</summary>
public static class ChainReport
{
    public const string PlotFile = "benchmarks.png";

    public static void Write(ChainResults r, Report report)
    {
        var o = r.Options;
        var p = o.Parallel;
        report.Section("Chains on Flink (the SpecK paper's Fig. 6)",
            $"Chains of jobs (job *i* reads topic *i*, writes topic *i+1*) spread at random (seed {ChainProgram.Seed}) over {o.Sites} Flink " +
            $"stand-in sites in {(o.Sites + 1) / 2} pairs, one Mosquitto broker per pair (topics live on the site of the job writing them). " +
            $"The provider sits in pair 1; every request to a site of another pair first waits {o.RttMs} ms, the SpecK paper's round-trip time " +
            "between pairs (the stand-in's latency knob; no netem). Each size is a fresh program and fresh stand-ins; everything runs " +
            $"through the engine harness (`Stack.UpAsync` = preview + update, each in its own provider process; `DestroyAsync`) with " +
            $"the CLI's default parallelism {p} ({DefaultParallelText()}), against the NativeAOT provider. Deploy includes the {o.Sites} `SpeSite`s and the " +
            "topics; modify changes the argument of k = max(1, jobs/10) jobs (savepoint upgrade: stop with savepoint, run from it); " +
            "delete is `destroy`. The stand-in's job clock is its default: INITIALIZING 50 ms, scheduling 150 ms, cancelling 150 ms, " +
            $"savepoint 200 ms. {o.Runs} runs per size, min / median / max." + (r.TimedOut ? " **The run hit its time limit; sizes with fewer runs than asked are shown as measured.**" : ""));
        var sizes = r.Sizes(p).ToList();
        ChainTable(r, p, sizes, report);
        report.Image("Wall time against chain length", PlotFile);
        report.Text("SPE calls per job in the deploy include each site's probe (`GET /config`) by `SpeSite`, spread over the jobs.");

        var raisedSizes = o.MeasuresRaised ? r.Sizes(o.RaisedParallel).ToList() : [];
        if (raisedSizes.Count > 0)
        {
            report.Section($"Chains on Flink at a raised parallelism ({o.RaisedParallel})",
                $"The same programs with `--parallel {o.RaisedParallel}` (or `PULUMI_PARALLEL={o.RaisedParallel}`), as users of wide programs " +
                $"raise it: at least every resource of the longest chain ({sizes[^1]} jobs, {sizes[^1] + 1} topics, {o.Sites} sites), so no " +
                $"step waits for a slot. Each run takes turns with the default's run of the same program above; {o.Runs} runs per size.");
            ChainTable(r, o.RaisedParallel, raisedSizes, report);
            var unchecked_ = r.Sizes(o.RaisedParallel, skipCheckpoints: true).ToList();
            if (unchecked_.Count > 0)
            {
                report.Text($"The shortest and the longest chain once more in each of those turns, with `--parallel {o.RaisedParallel}` and " +
                    "`PULUMI_SKIP_CHECKPOINTS=true`: the engine (here the harness) then writes the state once, when the operation ends, " +
                    "instead of the whole state before and after every step, one write at a time, which every step waits for. Pulumi offers it " +
                    "(and, lately, journaling) for wide stacks; it trades the record of a deployment cut short for speed.");
                ChainTable(r, o.RaisedParallel, unchecked_, report, skipCheckpoints: true);
            }
        }

        BelowTables(r, report, sizes);
    }

    private static string DefaultParallelText() =>
        Speck.Harness.StackOptions.DefaultParallel() != Speck.Harness.StackOptions.DefaultParallel(null)
            ? $"from `PULUMI_PARALLEL`, which sets the CLI's default"
            : $"4 × {Environment.ProcessorCount} processors, as `pulumi up` sets it since pulumi/pulumi#15016";

    private static void ChainTable(ChainResults r, int p, List<int> sizes, Report report, bool skipCheckpoints = false) =>
        report.Table(["jobs", "runs", "deploy wall", "modify wall", "delete wall", "SPE calls / job (deploy)", "SPE calls / changed job (modify)", "SPE calls / job (delete)", "bytes uploaded (jars)", "provider calls (deploy)"],
            sizes.Select(n =>
            {
                var ms = r.Of(n, p, skipCheckpoints);
                var k = ChainRun.ModifiedCount(n);
                return (IReadOnlyList<string>)
                [
                    n.ToString(), ms.Count.ToString(),
                    ChainResults.Sample(ms, m => m.DeployMs / 1000, "s").Summary("0.00"),
                    ChainResults.Sample(ms, m => m.ModifyMs / 1000, "s").Summary("0.00"),
                    ChainResults.Sample(ms, m => m.DeleteMs / 1000, "s").Summary("0.00"),
                    ChainResults.Sample(ms, m => (double)m.DeployCalls / n, "").Summary("0.0"),
                    ChainResults.Sample(ms, m => (double)m.ModifyCalls / k, "").Summary("0.0"),
                    ChainResults.Sample(ms, m => (double)m.DeleteCalls / n, "").Summary("0.0"),
                    $"{ms[0].UploadBytes:N0} B in {ms[0].Uploads} upload{(ms[0].Uploads == 1 ? "" : "s")}",
                    ms[0].DeployProviderCalls.ToString(),
                ];
            }));

    private static void BelowTables(ChainResults r, Report report, List<int> sizes)
    {
        var o = r.Options;
        var p = o.Parallel;
        report.Section("Modify: which jobs the SPE calls were about",
            "Each SPE request of the modify is attributed to the job whose Flink job ID it names (in the path, or the run request's " +
            "body; old and new IDs both count). \"Unchanged jobs touched\" must be 0. Calls naming no job are the jar lookups " +
            "(`GET /jars`, `GET /config`, `GET /jobs/overview`) the changed jobs' updates make.");
        report.Table(["jobs", "changed (k)", "update steps", "jobs touched", "unchanged jobs touched", "calls naming no job"],
            sizes.Select(n => r.Of(n, p).Last()).Select(m => (IReadOnlyList<string>)
            [
                m.Jobs.ToString(), m.Modify.Changed.ToString(), m.Modify.UpdateSteps.ToString(), m.Modify.JobsTouched.ToString(),
                m.Modify.UnchangedTouched.ToString(), m.Modify.CallsNamingNoJob.ToString(),
            ]));

        var seqSizes = r.Sizes(1).ToList();
        if (seqSizes.Count > 0)
        {
            report.Section("Parallel against one at a time",
                $"The same programs with the harness's parallelism at 1 (`--parallel 1`), taking turns with the parallel runs above " +
                $"({o.SequentialRuns} runs per size). Ratio = median one-at-a-time ÷ median parallel ({p}).");
            report.Table(["jobs", "deploy p1", $"deploy p{p}", "ratio", "modify p1", $"modify p{p}", "ratio", "delete p1", $"delete p{p}", "ratio"],
                seqSizes.Select(n =>
                {
                    var (s, q) = (r.Of(n, 1), r.Of(n, p));
                    string Ratio(Func<ChainMeasurement, double> f) =>
                        $"{ChainResults.Sample(s, f, "").Median / ChainResults.Sample(q, f, "").Median:0.0}×";
                    string Med(IReadOnlyList<ChainMeasurement> ms, Func<ChainMeasurement, double> f) => $"{ChainResults.Sample(ms, f, "").Median / 1000:0.00} s";
                    return (IReadOnlyList<string>)
                    [
                        n.ToString(),
                        Med(s, m => m.DeployMs), Med(q, m => m.DeployMs), Ratio(m => m.DeployMs),
                        Med(s, m => m.ModifyMs), Med(q, m => m.ModifyMs), Ratio(m => m.ModifyMs),
                        Med(s, m => m.DeleteMs), Med(q, m => m.DeleteMs), Ratio(m => m.DeleteMs),
                    ];
                }));
        }

        var largest = r.Of(sizes[^1], p)[0].State;
        report.Section("State per StreamJob",
            $"Bytes of each StreamJob's `inputs` and `outputs` in the harness's state file (compact JSON), averaged over the " +
            $"{largest.Jobs} jobs of the longest chain, against the SpecK paper's {ChainBench.PaperStateBytes} B per job. A job's outputs repeat its " +
            "inputs (as every well-kept Pulumi provider's do: pulumi-yaml type-checks `${job.sources}` against the outputs, stack exports and " +
            "policies see only outputs) and add what the provider learned (job ID, state, generation, start time, the artifact's hash, the " +
            "site it runs on), so each input is recorded twice.");
        report.Table(["inputs", "outputs", "total", "SpecK paper"],
            [[$"{largest.InputBytesPerJob:0} B", $"{largest.OutputBytesPerJob:0} B", $"{largest.BytesPerJob:0} B", $"{ChainBench.PaperStateBytes} B"]]);
        report.Text("Where the bytes go (inputs + outputs, per job, by top-level property):");
        report.Table(["property", "bytes / job"], largest.ByProperty.Take(10).Select(x => (IReadOnlyList<string>)[$"`{x.Property}`", $"{x.Bytes:0}"]));

        if (r.Breakdowns.Count > 0)
        {
            report.Section("Where a deploy's time goes",
                "One more deploy of the shortest and the longest chain with the harness's gRPC log on (timestamps and durations of every " +
                $"provider call), the longest at the default parallelism ({p})" + (o.MeasuresRaised ? $" and at the raised one ({o.RaisedParallel})" : "") +
                "; the median of 3 by wall time. The gRPC log itself costs a little time. Wall time covers both provider processes " +
                "(preview and update). CPU: the two provider processes, and this process (the harness and the stand-ins; not the " +
                $"brokers), as a share of the {Environment.ProcessorCount} cores' time over the wall time; and how busy the cores were, by " +
                "anything on the machine (`/proc/stat`). Harness state writes: how often and for how long the harness wrote its whole state " +
                "file during the deploy (before and after every step, as Pulumi's engine checkpoints; one write at a time).");
            report.Table(["jobs", "parallelism", "wall", "first Create → last answer", "SpeSite Create", "Topic Create", "StreamJob Create (median / slowest)", "… until its first poll's answer / after it (polls)", "provider calls", "CPU providers / harness+stand-ins (share)", "harness state writes", "cores busy"],
                r.Breakdowns.Select(b => (IReadOnlyList<string>)
                [
                    b.Jobs.ToString(), b.Parallel + (b.SkipCheckpoints ? ", no checkpoints" : ""), $"{b.WallMs / 1000:0.00} s", $"{b.CreateSpanMs / 1000:0.00} s",
                    $"{b.SiteCreateMs:0} ms", $"{b.TopicCreateMs:0} ms", $"{b.JobCreateMedianMs:0} / {b.JobCreateMaxMs:0} ms",
                    $"{b.JobToRunMs:0} / {b.JobAfterRunMs:0} ms ({b.JobPolls:0})", b.ProviderCalls.ToString(),
                    $"{b.Cpu.ChildrenMs / 1000:0.00} / {b.Cpu.SelfMs / 1000:0.00} s ({b.CpuShare:P0})", $"{b.StateWrites} in {b.StateWriteMs / 1000:0.00} s",
                    $"{b.Cpu.MachineBusyShare:P0}",
                ]));
        }

        Plot.Write(r, Path.Combine(o.OutDir, PlotFile));
        Targets(r, report, sizes);
    }

    private static void Targets(ChainResults r, Report report, List<int> sizes)
    {
        var p = r.Options.Parallel;
        var (small, large) = (sizes[0], sizes[^1]);
        DeployTarget(r, report, small, large, p, $"at the CLI's default parallelism {p}");
        if (r.Options.MeasuresRaised && r.Of(small, r.Options.RaisedParallel).Count > 0 && r.Of(large, r.Options.RaisedParallel).Count > 0)
            DeployTarget(r, report, small, large, r.Options.RaisedParallel, $"with `--parallel {r.Options.RaisedParallel}`");
        if (r.Options.MeasuresRaised && r.Of(small, r.Options.RaisedParallel, true).Count > 0 && r.Of(large, r.Options.RaisedParallel, true).Count > 0)
            DeployTarget(r, report, small, large, r.Options.RaisedParallel, $"with `--parallel {r.Options.RaisedParallel}` and `PULUMI_SKIP_CHECKPOINTS`", skipCheckpoints: true);
        var worst = r.All.Where(m => m.Parallel == p).Max(m => m.Modify.UnchangedTouched);
        report.Target("SPE calls of a modify that touch jobs not changed (all runs, all sizes)", worst, 0, "jobs");
        var state = r.Of(large, p)[0].State;
        var copies = state.ByProperty.Where(x => x.Property is "site" or "sources" or "sink").Sum(x => x.Bytes);
        var paths = state.ByProperty.Where(x => x.Property is "jarPath" or "savepointDirectory").Sum(x => x.Bytes);
        report.Target("state per StreamJob (inputs + outputs)", state.BytesPerJob, ChainBench.PaperStateBytes, "B",
            $"Measured: the outputs are {state.OutputBytesPerJob:0} B, since they repeat the inputs (Pulumi's convention; state size is no " +
            $"reason to leave it). Of inputs and outputs together, {copies:0} B are the site's connection (`site`) and the topic endpoints " +
            $"(`sources`, `sink`, each with its broker endpoint), which Delete and Read need after the site or topics have left the program, " +
            $"and {paths:0} B the two local paths (`jarPath`, `savepointDirectory`).");
    }

    private static void DeployTarget(ChainResults r, Report report, int small, int large, int p, string how, bool skipCheckpoints = false)
    {
        var d1 = ChainResults.Sample(r.Of(small, p, skipCheckpoints), m => m.DeployMs, "ms").Median;
        var dN = ChainResults.Sample(r.Of(large, p, skipCheckpoints), m => m.DeployMs, "ms").Median;
        report.Target($"deploying {large} jobs over {r.Options.Sites} sites against {small} {how} (median wall time ratio)", dN / d1, ChainBench.DeployGrowthTarget, "×",
            WhyDeploy(r, small, large, p, skipCheckpoints, d1, dN));
    }

    /// <summary>The deploy ratio explained from this run's measurements: waves of Creates, a Create's time, the fixed part, the CPU.</summary>
    private static string WhyDeploy(ChainResults r, int small, int large, int p, bool skipCheckpoints, double d1, double dN)
    {
        var calls = ChainResults.Sample(r.Of(large, p, skipCheckpoints), m => m.DeployCalls, "").Median;
        var text = $"The deploy of {large} took {dN / 1000:0.00} s against {d1 / 1000:0.00} s for {small} (medians at parallelism {p}) and made " +
                   $"{calls:0} SPE requests against {ChainResults.Sample(r.Of(small, p, skipCheckpoints), m => m.DeployCalls, "").Median:0}, spread over {r.Options.Sites} sites. ";
        if (r.Breakdown(small, r.Options.Parallel) is not { } one || r.Breakdown(large, p, skipCheckpoints) is not { } many) return text;
        var waves = (int)Math.Ceiling((double)many.Jobs / many.Parallel);
        var fixedMs = one.WallMs - one.JobCreateMedianMs;
        var atOnce = Math.Min(many.Jobs, many.Parallel);
        text += $"Measured (section \"Where a deploy's time goes\"): a StreamJob Create takes {one.JobCreateMedianMs:0} ms alone: mostly the " +
                $"stand-in's 50 ms INITIALIZING and 150 ms scheduling, plus {r.Options.RttMs} ms on each request to the other pairs; the fixed " +
                $"part of a deploy (two provider starts, preview, sites, topics) is about {fixedMs / 1000:0.00} s. ";
        if (waves > 1)
        {
            var bound = (fixedMs + waves * many.JobCreateMedianMs) / one.WallMs;
            var needed = (ChainBench.DeployGrowthTarget * one.WallMs - fixedMs) / waves;
            text += $"With parallelism {many.Parallel} the {many.Jobs} Creates queue in ⌈{many.Jobs}/{many.Parallel}⌉ = {waves} waves, and a Create " +
                    $"takes {many.JobCreateMedianMs:0} ms (median) among {atOnce}: {waves} × {many.JobCreateMedianMs / 1000:0.00} s = " +
                    $"{waves * many.JobCreateMedianMs / 1000:0.00} s, against {many.CreateSpanMs / 1000:0.00} s measured from the first Create to the " +
                    $"last answer. So at parallelism {many.Parallel} the ratio is bound to about ({fixedMs / 1000:0.00} + {waves} × " +
                    $"{many.JobCreateMedianMs / 1000:0.00}) ÷ {one.WallMs / 1000:0.00} ≈ {bound:0.0}× whatever the provider does between the " +
                    $"engine's calls; {ChainBench.DeployGrowthTarget}× would need a Create of at most {Math.Max(0, needed):0} ms" +
                    (needed < 200 ? ", below the stand-in's own 200 ms from run request to a running job. " : ". ");
        }
        else
        {
            text += $"With parallelism {many.Parallel} all {many.Jobs} Creates run at once (one wave): a Create takes {many.JobCreateMedianMs:0} ms " +
                    $"(median) and the slowest {many.JobCreateMaxMs:0} ms among {atOnce}, against {one.JobCreateMedianMs:0} ms alone; " +
                    $"{many.CreateSpanMs / 1000:0.00} s from the first Create to the last answer, so about ({fixedMs / 1000:0.00} + " +
                    $"{many.CreateSpanMs / 1000:0.00}) ÷ {one.WallMs / 1000:0.00} ≈ {(fixedMs + many.CreateSpanMs) / one.WallMs:0.0}×. A Create " +
                    $"spends (median) {many.JobToRunMs:0} ms until its first poll's answer (the job lookup, the site's one jar upload, " +
                    $"shared, and the run request; {one.JobToRunMs:0} ms alone) and {many.JobAfterRunMs:0} ms after it ({one.JobAfterRunMs:0} ms " +
                    "alone; the stand-in's scheduling takes 150 ms). ";
        }
        text += $"CPU during that deploy: the provider processes {many.Cpu.ChildrenMs / 1000:0.00} s, the harness and {r.Options.Sites} stand-ins " +
                $"{many.Cpu.SelfMs / 1000:0.00} s, {many.CpuShare:P0} of the {Environment.ProcessorCount} cores over its {many.WallMs / 1000:0.00} s; " +
                $"the cores were {many.Cpu.MachineBusyShare:P0} busy (everything on the machine)" +
                (many.Cpu.MachineBusyShare >= 0.8 && many.JobCreateMedianMs > 1.2 * one.JobCreateMedianMs
                    ? ": the Creates slow down because the cores are the limit, " + (many.CpuShare >= 0.5 * many.Cpu.MachineBusyShare
                        ? "and the harness, the stand-ins and the provider used most of them."
                        : "and most of their time went to other processes than the harness, stand-ins and providers (the brokers, and " +
                          "anything else running on the machine).")
                    : ".") +
                $" The harness wrote its whole state file {many.StateWrites} times during the deploy, in {many.StateWriteMs / 1000:0.00} s of its " +
                $"{many.WallMs / 1000:0.00} s: like Pulumi's engine it checkpoints before and after every step, one write at a time, and a step " +
                "waits for its writes" + (skipCheckpoints ? "." : " (Pulumi offers `PULUMI_SKIP_CHECKPOINTS` for wide stacks, measured below, and lately journaling).");
        return text;
    }
}

using System.Diagnostics;

namespace Speck.Bench.Chains;

/// <summary>
/// The SpecK paper's Fig. 6 (docs/speck-paper.md §Fig. 6: chains): deploy, modify and delete chains of growing length
/// over the sites in pairs, every size several times; one-at-a-time runs take turns with the parallel ones so the ratio
/// compares like with like.
/// </summary>
public static class ChainBench
{
    public const double PaperStateBytes = 754;
    public const double DeployGrowthTarget = 2;
    private const int ExplainRuns = 3;

    public static async Task<ChainResults> RunAsync(BenchOptions opts, Report report, TextWriter progress, CancellationToken ct)
    {
        var results = new ChainResults(opts);
        var work = Directory.CreateTempSubdirectory("speck-bench-").FullName;
        var brokers = await ChainSites.StartBrokersAsync(opts.Sites, ct);
        var sw = Stopwatch.StartNew();
        try
        {
            // One discarded run first: the bench's own JIT, the page cache and the brokers' first connections.
            await OneAsync(brokers, ChainProgram.Random(Math.Min(2, opts.Sizes.Min()), opts.Sites), opts.Parallel, opts, work, ct);
            var (small, large) = (opts.Sizes.Min(), opts.Sizes.Max());
            foreach (var size in opts.Sizes)
                for (var run = 0; run < opts.Runs && !ct.IsCancellationRequested; run++)
                {
                    var program = ChainProgram.Random(size, opts.Sites);
                    results.Add(await OneAsync(brokers, program, opts.Parallel, opts, work, ct));
                    if (opts.MeasuresRaised) results.Add(await OneAsync(brokers, program, opts.RaisedParallel, opts, work, ct));
                    if (opts.MeasuresRaised && (size == small || size == large))
                        results.Add(await OneAsync(brokers, program, opts.RaisedParallel, opts, work, ct, skipCheckpoints: true));
                    if (opts.SequentialSizes.Contains(size) && run < opts.SequentialRuns)
                        results.Add(await OneAsync(brokers, program, 1, opts, work, ct));
                    progress.WriteLine($"[{sw.Elapsed:mm\\:ss}] chain of {size}: run {run + 1}/{opts.Runs}: {results.Last}");
                }
            // Where the time goes: the smallest and the largest chain with the gRPC log on, the largest also at the raised parallelism.
            var explained = new List<(int, int, bool)> { (small, opts.Parallel, false), (large, opts.Parallel, false) };
            if (opts.MeasuresRaised) explained.AddRange([(large, opts.RaisedParallel, false), (large, opts.RaisedParallel, true)]);
            foreach (var (size, parallel, skip) in explained)
            {
                var runs = new List<DeployBreakdown>();
                for (var i = 0; i < ExplainRuns; i++)
                {
                    await using var sites = await ChainSites.StartSpesAsync(brokers, opts.Sites, TimeSpan.FromMilliseconds(opts.RttMs), work);
                    runs.Add(await ChainExplain.DeployAsync(sites, ChainProgram.Random(size, opts.Sites), opts.ChainProvider, parallel, skip, ct));
                }
                results.Breakdowns.Add(runs.OrderBy(b => b.WallMs).ElementAt(runs.Count / 2));
                progress.WriteLine($"[{sw.Elapsed:mm\\:ss}] {results.Breakdowns[^1].Describe()}");
                if (size == small && parallel == opts.Parallel) progress.WriteLine($"  its first StreamJob Create: {string.Join("; ", results.Breakdowns[^1].FirstJobTimeline)}");
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            results.TimedOut = true;
            progress.WriteLine($"stopped after {opts.MaxMinutes} minutes: reporting what was measured");
        }
        finally
        {
            foreach (var b in brokers) await b.DisposeAsync();
            Directory.Delete(work, recursive: true);
        }
        ChainReport.Write(results, report);
        return results;
    }

    private static async Task<ChainMeasurement> OneAsync(IReadOnlyList<Testbed.Mosquitto.MosquittoBroker> brokers, ChainProgram program, int parallel,
        BenchOptions opts, string work, CancellationToken ct, bool skipCheckpoints = false)
    {
        await using var sites = await ChainSites.StartSpesAsync(brokers, opts.Sites, TimeSpan.FromMilliseconds(opts.RttMs), work);
        return await ChainRun.RunAsync(sites, program, opts.ChainProvider, parallel, skipCheckpoints, ct);
    }
}

/// <summary>Every measurement of the chains, grouped as the report needs them.</summary>
public sealed class ChainResults(BenchOptions opts)
{
    private readonly List<ChainMeasurement> _all = [];
    public BenchOptions Options { get; } = opts;
    public IReadOnlyList<ChainMeasurement> All => _all;
    public bool TimedOut { get; set; }
    /// <summary>The median (by wall time) of the explanation deploys: smallest and largest chain, then the largest at the raised parallelism.</summary>
    public List<DeployBreakdown> Breakdowns { get; } = [];

    public DeployBreakdown? Breakdown(int jobs, int parallel, bool skipCheckpoints = false) =>
        Breakdowns.FirstOrDefault(b => b.Jobs == jobs && b.Parallel == parallel && b.SkipCheckpoints == skipCheckpoints);
    public string Last => _all.Count == 0 ? "" : Describe(_all[^1]);

    public void Add(ChainMeasurement m) => _all.Add(m);

    public IReadOnlyList<ChainMeasurement> Of(int jobs, int parallel, bool skipCheckpoints = false) =>
        _all.Where(m => m.Jobs == jobs && m.Parallel == parallel && m.SkipCheckpoints == skipCheckpoints).ToList();

    public IEnumerable<int> Sizes(int parallel, bool skipCheckpoints = false) =>
        _all.Where(m => m.Parallel == parallel && m.SkipCheckpoints == skipCheckpoints).Select(m => m.Jobs).Distinct().Order();

    public static Sample Sample(IEnumerable<ChainMeasurement> ms, Func<ChainMeasurement, double> f, string unit)
    {
        var s = new Sample(unit);
        foreach (var m in ms) s.Add(f(m));
        return s;
    }

    private static string Describe(ChainMeasurement m) =>
        $"p{m.Parallel}{(m.SkipCheckpoints ? " without checkpoints" : "")} deploy {m.DeployMs:0} ms, modify {m.ModifyMs:0} ms, delete {m.DeleteMs:0} ms, " +
        $"SPE calls {m.DeployCalls}/{m.ModifyCalls}/{m.DeleteCalls}, state {m.State.BytesPerJob:0} B/job";
}

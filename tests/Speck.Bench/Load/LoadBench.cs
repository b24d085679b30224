using System.Diagnostics;
using Speck.Bench.Chains;

namespace Speck.Bench.Load;

/// <summary>
/// The load section: growing numbers of jobs over many Flink stand-in sites, every phase of a stack's life timed, with
/// the provider's CPU time and peak memory per job and how they grow with the number of jobs (issue 11).
/// </summary>
public static class LoadBench
{
    public static async Task<LoadResults> RunAsync(BenchOptions opts, TextWriter progress, CancellationToken ct)
    {
        var results = new LoadResults(opts);
        var work = Directory.CreateTempSubdirectory("speck-bench-load-").FullName;
        var brokers = await ChainSites.StartBrokersAsync(opts.LoadSites, ct);
        var sw = Stopwatch.StartNew();
        try
        {
            // The provider alone, idle: the memory every process starts with, against which the per-job share is counted.
            results.IdlePeakMiB = (await ColdStart.MeasureAsync([opts.ChainProvider], 3, ct))[0].PeakRssMiB.Median;
            // One discarded run first: the bench's own JIT and the brokers' first connections.
            await OneAsync(brokers, Math.Min(4, opts.LoadSizes.Min()), false, opts, work, ct);
            // The provider's costs without the harness's checkpoints, which grow with the square of the resources (every
            // write is the whole state) and would make the largest size's run many minutes of the harness alone; then
            // the checkpoints' own cost on the sizes where that stays bounded.
            var runs = opts.LoadSizes.Select(n => (n, false)).Concat(opts.LoadCheckpointSizes.Select(n => (n, true)));
            foreach (var (jobs, checkpoints) in runs)
            {
                var phases = await OneAsync(brokers, jobs, checkpoints, opts, work, ct);
                results.Phases.AddRange(phases);
                foreach (var p in phases)
                    progress.WriteLine($"[{sw.Elapsed:mm\\:ss}] load {jobs}{(checkpoints ? " with checkpoints" : "")}: {p.Name} {p.WallMs / 1000:0.0} s, provider {p.ProviderCpuMs / 1000:0.00} s CPU " +
                                       $"({p.ProviderCpuMsPerJob:0.00} ms/job), peak {p.ProviderPeakMiB:0.0} MiB, checkpoints {p.CheckpointWrites} in {p.CheckpointMs / 1000:0.0} s");
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            results.TimedOut = true;
            progress.WriteLine($"load stopped after {opts.LoadMaxMinutes} minutes: reporting what was measured");
        }
        finally
        {
            foreach (var b in brokers) await b.DisposeAsync();
            Directory.Delete(work, recursive: true);
        }
        return results;
    }

    private static async Task<IReadOnlyList<LoadPhase>> OneAsync(IReadOnlyList<Testbed.Mosquitto.MosquittoBroker> brokers, int jobs, bool checkpoints,
        BenchOptions opts, string work, CancellationToken ct)
    {
        await using var sites = await ChainSites.StartSpesAsync(brokers, opts.LoadSites, TimeSpan.FromMilliseconds(opts.RttMs), work);
        return await LoadRun.RunAsync(sites, jobs, opts.ChainProvider, opts.Parallel, checkpoints, ct);
    }
}

/// <summary>Every phase of every size, and the provider's idle memory.</summary>
public sealed class LoadResults(BenchOptions opts)
{
    public BenchOptions Options { get; } = opts;
    public List<LoadPhase> Phases { get; } = [];
    public double IdlePeakMiB { get; set; }
    public bool TimedOut { get; set; }

    public IReadOnlyList<int> Sizes(bool checkpoints) => Phases.Where(p => p.Checkpoints == checkpoints).Select(p => p.Jobs).Distinct().Order().ToList();
    public IReadOnlyList<string> PhaseNames => Phases.Select(p => p.Name).Distinct().ToList();
    public IReadOnlyList<LoadPhase> With(bool checkpoints) => Phases.Where(p => p.Checkpoints == checkpoints).ToList();
    public LoadPhase? Of(int jobs, string phase, bool checkpoints = false) =>
        Phases.FirstOrDefault(p => p.Jobs == jobs && p.Name == phase && p.Checkpoints == checkpoints);
}

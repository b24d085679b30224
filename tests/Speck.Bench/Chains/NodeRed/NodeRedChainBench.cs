using System.Diagnostics;
using Speck.Testbed.NodeRed;

namespace Speck.Bench.Chains.NodeRed;

/// <summary>
/// The SpecK paper's Fig. 6 (docs/speck-paper.md §Fig. 6: chains) on real Node-RED sites: the chain programs of
/// <see cref="ChainBench"/> with function flows as jobs, over sites that each run their own Mosquitto (dynamic
/// security) and their own Node-RED. The sites live for the whole section (a destroy leaves no flow behind, which every
/// run checks); sizes go up, so a time limit keeps the small ones.
/// </summary>
public static class NodeRedChainBench
{
    public static async Task<NodeRedChainResults> RunAsync(BenchOptions opts, TextWriter progress, CancellationToken ct)
    {
        var results = new NodeRedChainResults(opts);
        var sw = Stopwatch.StartNew();
        try
        {
            await using var sites = await NodeRedSites.StartAsync(Enumerable.Range(0, opts.NodeRedSites).Select(s => $"site{s}").ToList(), ct: ct);
            results.StartMs = sw.Elapsed.TotalMilliseconds;
            // One discarded run first: the engines' first flows, the brokers' first clients, the bench's own JIT.
            await NodeRedChainRun.RunAsync(sites, ChainProgram.RandomNodeRed(Math.Min(2, opts.NodeRedSizes.Min()), opts.NodeRedSites), opts.ChainProvider, opts.Parallel, ct);
            foreach (var size in opts.NodeRedSizes)
                for (var run = 0; run < opts.NodeRedRuns && !ct.IsCancellationRequested; run++)
                {
                    var m = await NodeRedChainRun.RunAsync(sites, ChainProgram.RandomNodeRed(size, opts.NodeRedSites), opts.ChainProvider, opts.Parallel, ct);
                    results.All.Add(m);
                    progress.WriteLine($"[{sw.Elapsed:mm\\:ss}] Node-RED chain of {size}: run {run + 1}/{opts.NodeRedRuns}: deploy {m.DeployMs:0} ms, " +
                                       $"modify {m.ModifyMs:0} ms, delete {m.DeleteMs:0} ms, {m.Modify}");
                }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            results.TimedOut = true;
            progress.WriteLine($"Node-RED chains stopped after {opts.NodeRedMaxMinutes} minutes: reporting what was measured");
        }
        return results;
    }
}

/// <summary>Every Node-RED chain measurement.</summary>
public sealed class NodeRedChainResults(BenchOptions opts)
{
    public BenchOptions Options { get; } = opts;
    public List<NodeRedChainMeasurement> All { get; } = [];
    public bool TimedOut { get; set; }
    /// <summary>Starting every site (broker and engine, in parallel).</summary>
    public double StartMs { get; set; }

    public IReadOnlyList<NodeRedChainMeasurement> Of(int jobs) => All.Where(m => m.Jobs == jobs).ToList();
    public IEnumerable<int> Sizes => All.Select(m => m.Jobs).Distinct().Order();
}

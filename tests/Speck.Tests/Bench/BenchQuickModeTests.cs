using Speck.Bench;
using Speck.Bench.Chains;
using Speck.Bench.Chains.NodeRed;
using Speck.Bench.Load;

namespace Speck.Tests.Bench;

/// <summary>
/// The benchmark's code paths on the smallest sizes, so `make bench` cannot rot: a chain of 2 jobs on 2 sites, one
/// run parallel and one at a time, the same chain on 2 real Node-RED sites, a load run of 3 and 6 jobs on 2 sites, and the start-up measurement. Asserts structure and behaviour, never timings.
/// </summary>
[Collection(BenchCollection.Name)]
public sealed class BenchQuickModeTests
{
    [Fact]
    public async Task A_tiny_run_writes_the_report_with_every_section_and_a_plot()
    {
        var dir = Directory.CreateTempSubdirectory("speck-bench-test-").FullName;
        try
        {
            var opts = new BenchOptions
            {
                JitProvider = RepoPaths.ProviderBinary, AotProvider = RepoPaths.ProviderBinary,
                Out = Path.Combine(dir, "benchmarks.md"), Runs = 1, Sizes = [2], Sites = 2,
                SequentialSizes = [2], SequentialRuns = 1, MaxMinutes = 10, Parallel = 4, RaisedParallel = 16,
                NodeRedSites = 2, NodeRedSizes = [2], NodeRedRuns = 1,
                LoadSizes = [3, 6], LoadCheckpointSizes = [3], LoadSites = 2,
            };
            // A budget, not a timing: the run shares two cores with the rest of the suite (3.5 min alone under a build).
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10));
            var report = new Report("test");
            var results = await ChainBench.RunAsync(opts, report, TextWriter.Null, cts.Token);
            var nodeRed = await NodeRedChainBench.RunAsync(opts, TextWriter.Null, cts.Token);
            NodeRedChainReport.Write(nodeRed, report);
            var load = await LoadBench.RunAsync(opts, TextWriter.Null, cts.Token);
            LoadReport.Write(load, report);
            await StartupBench.RunAsync(opts, report, cts.Token);
            await report.WriteAsync(opts.Out);

            Assert.False(results.TimedOut);
            var parallel = Assert.Single(results.Of(2, opts.Parallel));
            var sequential = Assert.Single(results.Of(2, 1));
            var raised = Assert.Single(results.Of(2, opts.RaisedParallel));
            foreach (var m in new[] { parallel, sequential, raised })
            {
                // Modify changes one job: one update step, and no SPE call names the other job.
                Assert.Equal(1, m.Modify.Changed);
                Assert.Equal(1, m.Modify.UpdateSteps);
                Assert.Equal(1, m.Modify.JobsTouched);
                Assert.Equal(0, m.Modify.UnchangedTouched);
                Assert.Equal(2, m.State.Jobs);
                Assert.True(m.State.OutputBytesPerJob > m.State.InputBytesPerJob, "outputs repeat the inputs and add what the provider learned");
                Assert.InRange(m.Uploads, 1, 2); // at most one upload per site the jobs run on
                Assert.True(m.UploadBytes > 0);
                Assert.True(m.DeployCalls > 0 && m.ModifyCalls > 0 && m.DeleteCalls > 0);
            }

            // Node-RED: the modify rewrote the one changed job's flow in place and left the other's untouched; destroy left none.
            Assert.False(nodeRed.TimedOut);
            var flows = Assert.Single(nodeRed.Of(2));
            Assert.Equal(new FlowCheck(Changed: 1, UpdateSteps: 1, FlowsRewritten: 1, ChangedKeptId: 1, UnchangedRewritten: 0, UnchangedMoved: 0), flows.Modify);
            Assert.Equal(0, flows.FlowsLeft);

            // Load: every phase of every size measured the provider (CPU, peak memory) and did what it should (LoadRun checks it).
            Assert.False(load.TimedOut);
            Assert.Equal([3, 6], load.Sizes(checkpoints: false));
            Assert.Equal([3], load.Sizes(checkpoints: true));
            Assert.Equal(["deploy", "preview, k changed", "up, k changed", "refresh", "destroy"], load.PhaseNames);
            Assert.All(load.Phases, p => Assert.True(p.ProviderCpuMs > 0 && p.ProviderPeakMiB > 0 && p.ProviderCalls > 0, $"{p.Jobs} {p.Name}"));
            Assert.All(load.Phases.Where(p => p.Name != "preview, k changed"), p => Assert.True(p.CheckpointWrites > 0, $"{p.Jobs} {p.Name} wrote the state"));
            Assert.Equal(2, load.Of(6, "up, k changed")!.ProviderProcesses); // preview and update, each its own process
            Assert.True(load.Of(3, "deploy", checkpoints: true)!.CheckpointWrites > load.Of(3, "deploy")!.CheckpointWrites, "checkpoints on write around every step");

            var md = await File.ReadAllTextAsync(opts.Out);
            foreach (var heading in new[] { "## Chains on Flink", "## Modify: which jobs", "## Parallel against one at a time", "## State per StreamJob", "## Chains on Node-RED", "## Provider start-up", "## Load: up to 6 jobs over 2 Flink sites", "## Targets" })
                Assert.Contains(heading, md);
            Assert.Contains("| 2 | 1 |", md);
            Assert.Contains("![Wall time against chain length](benchmarks.png)", md);
            Assert.Contains("SPE calls of a modify that touch jobs not changed", md);
            Assert.Contains("## Chains on Flink at a raised parallelism (16)", md);
            Assert.Contains("against 2 at the CLI's default parallelism 4 (median wall time ratio)", md);
            Assert.Contains("against 2 with `--parallel 16` (median wall time ratio)", md);
            Assert.Contains("against 2 with `--parallel 16` and `PULUMI_SKIP_CHECKPOINTS` (median wall time ratio)", md);
            Assert.Contains("| 2 | 16, no checkpoints |", md);
            var unchecked_ = Assert.Single(results.Of(2, opts.RaisedParallel, skipCheckpoints: true));
            Assert.Equal(2, unchecked_.State.Jobs); // the state reached the file though no step wrote it
            Assert.Contains("Node-RED flows of unchanged jobs rewritten or moved by a modify", md);
            Assert.Contains("provider CPU per job of a deploy, 6 jobs against 3 over 2 sites", md);
            Assert.Contains("| 3 | deploy |", md);
            var png = new FileInfo(Path.Combine(dir, ChainReport.PlotFile));
            Assert.True(png.Exists && png.Length > 1000);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, File.ReadAllBytes(png.FullName)[..4]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

/// <summary>The quick bench runs alone: it times chains on the machine's two cores, and its budget assumes them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BenchCollection
{
    public const string Name = "bench, alone";
}

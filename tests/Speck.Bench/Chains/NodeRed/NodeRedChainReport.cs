namespace Speck.Bench.Chains.NodeRed;

/// <summary>The "Chains on Node-RED" section of docs/benchmarks.md.</summary>
public static class NodeRedChainReport
{
    public static void Write(NodeRedChainResults r, Report report)
    {
        var o = r.Options;
        var missing = o.NodeRedSizes.Except(r.Sizes).ToList();
        report.Section("Chains on Node-RED",
            $"The same chain programs (seed {ChainProgram.Seed}) over {o.NodeRedSites} real Node-RED sites on loopback, each its own Mosquitto " +
            "2.0 with dynamic security and its own Node-RED 4.1.15 (`tests/nodered`); every job is one flow (MQTT in → function → MQTT out) " +
            "with `upgradeMode: stateless`, every topic a dynsec role. No added round-trip time: the engines are real processes, not " +
            $"stand-ins with a latency knob. Same harness, parallelism {o.Parallel} and NativeAOT provider as above. Modify changes the " +
            "function body of k = max(1, jobs/10) jobs; delete is `destroy`. The sites stay up for the whole section (starting all " +
            $"{o.NodeRedSites} took {r.StartMs / 1000:0.0} s, not counted); every destroy is checked to leave none of the chain's flows. " +
            $"{o.NodeRedRuns} runs per size after one discarded run, min / median / max." +
            (missing.Count > 0 ? $" **Not measured: {string.Join(", ", missing)} jobs — the section's {o.NodeRedMaxMinutes}-minute limit ran out first.**" : ""));
        if (r.All.Count == 0) return;
        report.Table(["jobs", "runs", "deploy wall", "modify wall", "delete wall", "flows left after delete"],
            r.Sizes.Select(n =>
            {
                var ms = r.Of(n);
                return (IReadOnlyList<string>)
                [
                    n.ToString(), ms.Count.ToString(),
                    Sample(ms, m => m.DeployMs), Sample(ms, m => m.ModifyMs), Sample(ms, m => m.DeleteMs),
                    ms.Max(m => m.FlowsLeft).ToString(),
                ];
            }));
        report.Text("Which flows the modify touched: each job's flow read from its engine's Admin API right before and right after it " +
                    "(`GET /flow/:id`: ID and content) and the update steps the engine ran (a StreamJob Update rewrites its flow with `PUT /flow/:id`). " +
                    "\"Unchanged rewritten\" (content differs) and \"unchanged moved\" (another flow ID) must be 0; worst run of each size. " +
                    "Not observed: a `PUT` of identical content (it changes nothing a read can see, and Node-RED mutes its deploy log for " +
                    "per-flow Admin API calls); update steps = k is what rules it out, as the provider writes a flow only in a job's Create, Update or Delete.");
        report.Table(["jobs", "changed (k)", "update steps", "flows rewritten", "changed kept their flow ID", "unchanged rewritten", "unchanged moved"],
            r.Sizes.Select(n => r.Of(n)).Select(ms => (IReadOnlyList<string>)
            [
                ms[0].Jobs.ToString(), ms[0].Modify.Changed.ToString(), ms.Max(m => m.Modify.UpdateSteps).ToString(), ms.Max(m => m.Modify.FlowsRewritten).ToString(),
                ms.Min(m => m.Modify.ChangedKeptId).ToString(),
                ms.Max(m => m.Modify.UnchangedRewritten).ToString(), ms.Max(m => m.Modify.UnchangedMoved).ToString(),
            ]));
        var worst = r.All.Max(m => m.Modify.UnchangedRewritten + m.Modify.UnchangedMoved);
        report.Target("Node-RED flows of unchanged jobs rewritten or moved by a modify (all runs, all sizes)", worst, 0, "flows");
    }

    private static string Sample(IEnumerable<NodeRedChainMeasurement> ms, Func<NodeRedChainMeasurement, double> f)
    {
        var s = new Sample("s");
        foreach (var m in ms) s.Add(f(m) / 1000);
        return s.Summary("0.00");
    }
}

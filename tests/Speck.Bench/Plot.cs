using Speck.Bench.Chains;

namespace Speck.Bench;

/// <summary>benchmarks.png: median wall time against chain length, min–max as error bars.</summary>
public static class Plot
{
    public static void Write(ChainResults r, string path)
    {
        var plt = new ScottPlot.Plot();
        void Line(int parallel, Func<ChainMeasurement, double> f, string label, bool dashed = false)
        {
            var sizes = r.Sizes(parallel).ToArray();
            if (sizes.Length == 0) return;
            var samples = sizes.Select(n => ChainResults.Sample(r.Of(n, parallel), m => f(m) / 1000, "s")).ToArray();
            var xs = sizes.Select(n => (double)n).ToArray();
            var ys = samples.Select(s => s.Median).ToArray();
            var sc = plt.Add.Scatter(xs, ys);
            sc.LegendText = label;
            if (dashed) sc.LinePattern = ScottPlot.LinePattern.Dashed;
            var eb = plt.Add.ErrorBar(xs, ys, samples.Select(s => s.Max - s.Median).ToArray());
            eb.YErrorNegative = samples.Select(s => s.Median - s.Min).ToArray();
            eb.Color = sc.Color;
        }
        var p = r.Options.Parallel;
        Line(p, m => m.DeployMs, $"deploy (parallel {p})");
        Line(p, m => m.ModifyMs, $"modify k = max(1, n/10) (parallel {p})");
        Line(p, m => m.DeleteMs, $"delete (parallel {p})");
        Line(1, m => m.DeployMs, "deploy (one at a time)", dashed: true);
        Line(1, m => m.DeleteMs, "delete (one at a time)", dashed: true);
        plt.Title($"StreamJob chains on {r.Options.Sites} Flink stand-in sites ({r.Options.RttMs} ms RTT between pairs)");
        plt.XLabel("jobs in the chain");
        plt.YLabel("wall time, s (median; bars: min–max)");
        plt.ShowLegend(ScottPlot.Alignment.UpperLeft);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plt.SavePng(path, 1000, 600);
    }
}

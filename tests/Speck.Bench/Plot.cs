using Speck.Bench.Chains;

namespace Speck.Bench;

/// <summary>benchmarks.png: median wall time against chain length, min–max as error bars.</summary>
public static class Plot
{
    public static void Write(ChainResults r, string path)
    {
        var plt = new ScottPlot.Plot();
        var (leftTop, rightTop) = (0.0, 0.0);
        void Line(int parallel, Func<ChainMeasurement, double> f, string label, bool dashed = false, bool right = false)
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
            if (right) sc.Axes.YAxis = eb.Axes.YAxis = plt.Axes.Right;
            var top = samples.Max(s => s.Max) * 1.1;
            if (right) rightTop = Math.Max(rightTop, top); else leftTop = Math.Max(leftTop, top);
        }
        var p = r.Options.Parallel;
        Line(p, m => m.DeployMs, $"deploy (parallel {p})");
        Line(p, m => m.ModifyMs, $"modify k = max(1, n/10) (parallel {p})");
        Line(p, m => m.DeleteMs, $"delete (parallel {p})");
        if (r.Options.MeasuresRaised) Line(r.Options.RaisedParallel, m => m.DeployMs, $"deploy (parallel {r.Options.RaisedParallel})");
        // One at a time is an order of magnitude slower: on its own axis (right) so the parallel lines stay readable.
        Line(1, m => m.DeployMs, "deploy, one at a time (right axis)", dashed: true, right: true);
        Line(1, m => m.DeleteMs, "delete, one at a time (right axis)", dashed: true, right: true);
        if (r.Sizes(1).Any()) plt.Axes.Right.Label.Text = "one at a time: wall time, s";
        plt.Title($"StreamJob chains on {r.Options.Sites} Flink stand-in sites ({r.Options.RttMs} ms RTT between pairs)");
        plt.XLabel("jobs in the chain");
        plt.YLabel("wall time, s (median; bars: min–max)");
        plt.ShowLegend(ScottPlot.Alignment.UpperLeft);
        plt.Axes.AutoScale();
        if (leftTop > 0) plt.Axes.SetLimitsY(0, leftTop, plt.Axes.Left);
        if (rightTop > 0) plt.Axes.SetLimitsY(0, rightTop, plt.Axes.Right);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plt.SavePng(path, 1000, 600);
    }
}

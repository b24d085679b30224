using System.Text;
using Speck.Testbed.Fog;

namespace Speck.Bench.Fog;

/// <summary>
/// The SpecK paper's Fig. 8 in this experiment: how Job 3's count of processed detections rises within a run, fog
/// against cloud, at one detection per 2 ms and per 1 ms per edge (500/s and 1000/s); medians over the runs, second by second.
/// </summary>
public static class FogCountOverTime
{
    public static readonly int[] PaperRates = [500, 1000];

    /// <summary>Per (rate, placement): the median over the runs of Job 3's count at each second of the window.</summary>
    public static IEnumerable<(int Rate, Placement Placement, double[] Seconds, double[] Job3, double[] Sent)> Curves(IReadOnlyList<FogMeasurement> ms) =>
        from g in ms.Where(m => PaperRates.Contains(m.Rate) && m.Series.Count > 1).GroupBy(m => (m.Rate, m.Placement))
        let n = g.Min(m => m.Series.Count)
        orderby g.Key.Rate, g.Key.Placement
        select (g.Key.Rate, g.Key.Placement,
            Enumerable.Range(0, n).Select(i => (double)i).ToArray(),
            Enumerable.Range(0, n).Select(i => Median(g.Select(m => (double)m.Series[i].Job3))).ToArray(),
            Enumerable.Range(0, n).Select(i => Median(g.Select(m => (double)m.Series[i].Sent))).ToArray());

    private static double Median(IEnumerable<double> values)
    {
        var xs = values.Order().ToArray();
        return xs.Length % 2 == 1 ? xs[xs.Length / 2] : (xs[xs.Length / 2 - 1] + xs[xs.Length / 2]) / 2;
    }

    public static void AppendSection(StringBuilder md, IReadOnlyList<FogMeasurement> ms, string png)
    {
        var curves = Curves(ms).ToList();
        if (curves.Count == 0) return;
        var seconds = curves.Min(c => c.Seconds.Length) - 1;
        var marks = Enumerable.Range(1, seconds).Where(t => t % 5 == 0 || t == seconds).Distinct().ToList();
        md.AppendLine("## Job 3's count within a run (the paper's Fig. 8)").AppendLine();
        md.AppendLine("Messages Job 3 wrote (all edges) since the run began, read once a second; medians over the runs. " +
            "The paper's Fig. 8 shows the local count rising slower in the cloud placement at one message per 2 ms and per 1 ms per site.").AppendLine();
        md.AppendLine($"| rate per edge | placement | {string.Join(" | ", marks.Select(t => $"{t} s"))} | sent by {seconds} s |");
        md.AppendLine($"| ---: | --- | {string.Join(" | ", marks.Select(_ => "---:"))} | ---: |");
        foreach (var c in curves)
            md.AppendLine($"| {c.Rate}/s | {c.Placement.ToString().ToLowerInvariant()} | {string.Join(" | ", marks.Select(t => $"{c.Job3[t]:0}"))} | {c.Sent[seconds]:0} |");
        md.AppendLine().AppendLine($"![Job 3's count over time, fog against cloud]({png})").AppendLine();
    }

    public static void Plot(IReadOnlyList<FogMeasurement> ms, string path)
    {
        var curves = Curves(ms).ToList();
        if (curves.Count == 0) return;
        var plt = new ScottPlot.Plot();
        foreach (var c in curves)
        {
            var line = plt.Add.Scatter(c.Seconds, c.Job3);
            line.LegendText = $"{c.Placement.ToString().ToLowerInvariant()}, 1 per {1000 / c.Rate} ms per edge";
            if (c.Placement == Placement.Cloud) line.LinePattern = ScottPlot.LinePattern.Dashed;
            line.MarkerSize = 0;
        }
        plt.XLabel("seconds into the run");
        plt.YLabel("messages Job 3 wrote (all edges)");
        plt.Title("Job 3's count within a run, fog against cloud");
        plt.ShowLegend(ScottPlot.Alignment.UpperLeft);
        plt.SavePng(path, 800, 500);
    }
}

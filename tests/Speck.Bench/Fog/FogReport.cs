using System.Globalization;
using System.Text;
using Speck.Testbed.Fog;

namespace Speck.Bench.Fog;

/// <summary>
/// docs/fog-vs-cloud.md and its plot from one run: per input rate, the messages Job 3 and Job 4 wrote in the fog and
/// in the cloud placement, and D = 100 / F × (F − C) as the SpecK paper plots it (Fig. 10), with what was busy.
/// </summary>
public static class FogReport
{
    public sealed record Point(int Rate, double F3, double C3, double F4, double C4)
    {
        public double D3 => F3 > 0 ? 100 / F3 * (F3 - C3) : double.NaN;
        public double D4 => F4 > 0 ? 100 / F4 * (F4 - C4) : double.NaN;
    }

    public static IReadOnlyList<Point> Points(IReadOnlyList<FogMeasurement> ms) =>
        [.. ms.GroupBy(m => m.Rate).OrderBy(g => g.Key).Select(g => new Point(g.Key,
            Median(g, Placement.Fog, m => m.Job3), Median(g, Placement.Cloud, m => m.Job3),
            Median(g, Placement.Fog, m => m.Job4), Median(g, Placement.Cloud, m => m.Job4)))];

    private static double Median(IEnumerable<FogMeasurement> ms, Placement p, Func<FogMeasurement, double> f)
    {
        var xs = ms.Where(m => m.Placement == p).Select(f).Order().ToArray();
        return xs.Length == 0 ? double.NaN : xs.Length % 2 == 1 ? xs[xs.Length / 2] : (xs[xs.Length / 2 - 1] + xs[xs.Length / 2]) / 2;
    }

    public static async Task WriteAsync(FogOptions o, IReadOnlyList<FogMeasurement> ms, string machine, string intro, string path)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var points = Points(ms);
        var md = new StringBuilder(intro.Replace("{{DATE}}", $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC").Replace("{{MACHINE}}", machine)).AppendLine();
        md.AppendLine("## Result").AppendLine();
        md.AppendLine("Medians over the runs; F and C are the messages written within the window in the fog and the cloud placement.").AppendLine();
        md.AppendLine("| rate per edge | F Job 3 | C Job 3 | D Job 3 | F Job 4 | C Job 4 | D Job 4 |");
        md.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var p in points)
            md.AppendLine($"| {p.Rate}/s | {p.F3:0} | {p.C3:0} | {p.D3:0.0} % | {p.F4:0} | {p.C4:0} | {p.D4:0.0} % |");
        md.AppendLine().AppendLine("What was saturated, per placement and rate (over its runs): a WAN uplink carrying 90 % or more of its " +
            $"{o.WanKbit / 1000.0:0.#} Mbit/s, and the machine at 95 % busy or more (all cores, every process).").AppendLine();
        md.AppendLine("| placement | rate per edge | WAN uplinks at ≥ 90 % | machine busy | Job 3 wrote / sent |");
        md.AppendLine("| --- | ---: | --- | ---: | ---: |");
        foreach (var g in ms.GroupBy(m => (m.Placement, m.Rate)))
        {
            var full = g.SelectMany(m => m.UplinkMbit.Where(u => u.Value * 1000 >= 0.9 * o.WanKbit).Select(u => u.Key)).Distinct().ToList();
            md.AppendLine($"| {g.Key.Placement.ToString().ToLowerInvariant()} | {g.Key.Rate}/s | {(full.Count == 0 ? "none" : string.Join(", ", full))} | " +
                $"{string.Join(", ", g.Select(m => $"{m.MachineBusy:0%}"))} | {g.Sum(m => m.Job3) / (double)Math.Max(1, g.Sum(m => m.Sent)):0%} |");
        }
        md.AppendLine().AppendLine($"![D against the input rate per edge, Job 3 and Job 4]({Path.GetFileNameWithoutExtension(path)}.png)").AppendLine();
        var overTime = Path.GetFileNameWithoutExtension(path) + "-count.png";
        FogCountOverTime.AppendSection(md, ms, overTime);
        md.AppendLine("## Every run").AppendLine();
        md.AppendLine("Sent is over all edges within the window (the generators publish with QoS 1, each publish acknowledged; a detection counts as sent when its acknowledgement arrives, which can be after Job 3 processed it, so Job 3 may show a few more than sent); " +
            "CPU is in % of one core: each site's Node-RED, each site's Mosquitto, and this process (the generators, the WAN relays, the counters); uplink is each site's WAN class (Mbit/s carried, times the class held packets back); machine busy is all cores, every process on the machine (other work included).").AppendLine();
        md.AppendLine("| placement | rate | run | sent | Job 3 | Job 4 | Node-RED CPU e1 / e2 / e3 / cloud | uplink e1 / e2 / e3 / cloud | held back e1 / e2 / e3 / cloud | Mosquitto CPU e1 / e2 / e3 / cloud | generators, relays, counters CPU | brokers that stopped acknowledging | machine busy |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | --- | ---: | --- | ---: |");
        foreach (var m in ms)
            md.AppendLine($"| {m.Placement.ToString().ToLowerInvariant()} | {m.Rate}/s | {m.Run} | {m.Sent} | {m.Job3} | {m.Job4} | " +
                $"{string.Join(" / ", m.EngineCpu.Values.Select(v => $"{v:0}"))} | {string.Join(" / ", m.UplinkMbit.Values.Select(v => $"{v:0.00}"))} | " +
                $"{string.Join(" / ", m.UplinkHeld.Values)} | {string.Join(" / ", m.BrokerCpu.Values.Select(v => $"{v:0}"))} | {m.GeneratorCpu:0} | {(m.Overloaded.Count == 0 ? "none" : string.Join(", ", m.Overloaded))} | {m.MachineBusy:0%} |");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, md.ToString());
        Plot(points, Path.ChangeExtension(path, ".png"));
        FogCountOverTime.Plot(ms, Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, overTime));
    }

    private static void Plot(IReadOnlyList<Point> points, string path)
    {
        var plt = new ScottPlot.Plot();
        var xs = points.Select(p => (double)p.Rate).ToArray();
        var job3 = plt.Add.Scatter(xs, points.Select(p => p.D3).ToArray());
        job3.LegendText = "Job 3 (local statistics)";
        var job4 = plt.Add.Scatter(xs, points.Select(p => p.D4).ToArray());
        job4.LegendText = "Job 4 (global statistics)";
        job4.LinePattern = ScottPlot.LinePattern.Dashed;
        plt.Add.HorizontalLine(0).Color = ScottPlot.Colors.Gray;
        plt.XLabel("input rate per edge (detections/s)");
        plt.YLabel("D = 100 / F × (F − C)  (%)");
        plt.Title("Fog against cloud placement of Job 3");
        plt.ShowLegend(ScottPlot.Alignment.UpperLeft);
        plt.SavePng(path, 800, 500);
    }
}

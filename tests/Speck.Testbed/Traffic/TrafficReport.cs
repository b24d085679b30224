namespace Speck.Testbed.Traffic;

/// <summary>One cell of the statistics: cars seen by one sensor in one tumbling window (window = its start, epoch ms).</summary>
public readonly record struct WindowKey(long Window, string Sensor);

/// <summary>
/// Exactly what was published: how many items, how many well-formed, and the well-formed detections per sensor per
/// window, which is what correct statistics jobs must end up reporting.
/// </summary>
public sealed record TrafficReport(int Sent, int Malformed, IReadOnlyDictionary<WindowKey, int> Counts)
{
    public int WellFormed => Sent - Malformed;

    public static TrafficReport Of(IEnumerable<TrafficItem> items)
    {
        var counts = new SortedDictionary<WindowKey, int>(Comparer<WindowKey>.Create((a, b) =>
            a.Window != b.Window ? a.Window.CompareTo(b.Window) : string.CompareOrdinal(a.Sensor, b.Sensor)));
        int sent = 0, malformed = 0;
        foreach (var item in items)
        {
            sent++;
            if (!item.WellFormed) { malformed++; continue; }
            var key = new WindowKey(item.Window!.Value, item.Sensor!);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        return new TrafficReport(sent, malformed, counts);
    }

    /// <summary>The reports of several edges together: what a global merge must count.</summary>
    public static TrafficReport Merge(IEnumerable<TrafficReport> reports)
    {
        var list = reports.ToList();
        var counts = new Dictionary<WindowKey, int>();
        foreach (var (key, n) in list.SelectMany(r => r.Counts)) counts[key] = counts.GetValueOrDefault(key) + n;
        return new TrafficReport(list.Sum(r => r.Sent), list.Sum(r => r.Malformed), counts);
    }
}

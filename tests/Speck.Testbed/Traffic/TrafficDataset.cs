using System.Globalization;
using System.Text.Json;

namespace Speck.Testbed.Traffic;

/// <summary>How to make one edge's detections: all deterministic from <see cref="Seed"/>, so a test can replay them.</summary>
public sealed record TrafficOptions
{
    public int Seed { get; init; } = 7;

    /// <summary>Items to make, malformed ones included.</summary>
    public required int Count { get; init; }

    /// <summary>Share of items that are malformed (0..1); which ones is drawn from the random <see cref="Seed"/>.</summary>
    public double MalformedShare { get; init; }

    /// <summary>The sensor points of this edge, e.g. S01..S04.</summary>
    public IReadOnlyList<string> Sensors { get; init; } = ["S01", "S02", "S03", "S04"];

    /// <summary>Timestamp of the first detection (epoch ms). Fixed by default so windows are the same on every run.</summary>
    public long StartTs { get; init; } = 1_764_028_800_000; // 2025-11-25T00:00:00Z

    /// <summary>Mean gap between two detections' timestamps (ms); gaps are drawn uniformly from 0..2×mean.</summary>
    public int MeanGapMs { get; init; } = 200;

    /// <summary>Tumbling window size the statistics jobs use (ms).</summary>
    public long WindowMs { get; init; } = 10_000;

    /// <summary>Prefix of vehicle ids, e.g. the edge's name, so ids from different edges never collide.</summary>
    public string VehiclePrefix { get; init; } = "V";

    public void Validate()
    {
        if (Count < 0) throw new ArgumentException("count must not be negative");
        if (MalformedShare is < 0 or > 1 || double.IsNaN(MalformedShare)) throw new ArgumentException("malformed share must be between 0 and 1");
        if (Sensors.Count == 0) throw new ArgumentException("at least one sensor is needed");
        if (MeanGapMs < 0 || WindowMs <= 0) throw new ArgumentException("gaps must not be negative and windows must be positive");
    }
}

/// <summary>One item as published; <see cref="Sensor"/> and <see cref="Window"/> are set only for a well-formed detection.</summary>
public sealed record TrafficItem(string Payload, string? Sensor, long? Window, string? MalformedKind)
{
    public bool WellFormed => Sensor is not null;
}

/// <summary>
/// Car detections shaped like the SpecK paper's road-traffic dataset (docs/speck-paper.md §Fig. 7: road traffic):
/// <c>{"vehicleId","sensor","ts"}</c>, one per car passing a sensor point. Malformed items are the kinds a cleaning job
/// must drop: a missing field, a field of the wrong type, or a payload that is not JSON at all.
/// </summary>
public static class TrafficDataset
{
    public static readonly string[] MalformedKinds =
        ["missing-vehicleId", "missing-sensor", "missing-ts", "ts-as-string", "sensor-as-number", "truncated-json", "not-json"];

    public static IEnumerable<TrafficItem> Generate(TrafficOptions o)
    {
        o.Validate();
        var rng = new Random(o.Seed);
        var ts = o.StartTs;
        for (var i = 0; i < o.Count; i++)
        {
            ts += rng.Next(0, 2 * o.MeanGapMs + 1);
            // Skewed towards the first sensors, as traffic is: main roads see more cars than side streets.
            var sensor = o.Sensors[(int)(o.Sensors.Count * Math.Pow(rng.NextDouble(), 2))];
            var vehicle = $"{o.VehiclePrefix}{rng.Next(100_000):D5}";
            if (rng.NextDouble() < o.MalformedShare)
            {
                var kind = MalformedKinds[rng.Next(MalformedKinds.Length)];
                yield return new TrafficItem(Malformed(kind, vehicle, sensor, ts), null, null, kind);
            }
            else
                yield return new TrafficItem(Json(("vehicleId", vehicle), ("sensor", sensor), ("ts", ts)), sensor, ts - ts % o.WindowMs, null);
        }
    }

    private static string Malformed(string kind, string vehicle, string sensor, long ts) => kind switch
    {
        "missing-vehicleId" => Json(("sensor", sensor), ("ts", ts)),
        "missing-sensor" => Json(("vehicleId", vehicle), ("ts", ts)),
        "missing-ts" => Json(("vehicleId", vehicle), ("sensor", sensor)),
        "ts-as-string" => Json(("vehicleId", vehicle), ("sensor", sensor), ("ts", ts.ToString(CultureInfo.InvariantCulture))),
        "sensor-as-number" => Json(("vehicleId", vehicle), ("sensor", SensorNumber(sensor)), ("ts", ts)),
        "truncated-json" => Json(("vehicleId", vehicle), ("sensor", sensor), ("ts", ts))[..^8],
        _ => $"vehicle={vehicle};sensor={sensor};ts={ts}",
    };

    private static int SensorNumber(string sensor) =>
        int.TryParse(new string(sensor.Where(char.IsAsciiDigit).ToArray()), CultureInfo.InvariantCulture, out var n) ? n : 0;

    private static string Json(params (string Key, object Value)[] fields)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var (k, v) in fields)
                switch (v)
                {
                    case string s: w.WriteString(k, s); break;
                    case long l: w.WriteNumber(k, l); break;
                    case int n: w.WriteNumber(k, n); break;
                }
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}

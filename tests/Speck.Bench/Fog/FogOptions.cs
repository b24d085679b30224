using System.Globalization;

namespace Speck.Bench.Fog;

/// <summary>`make experiment`'s settings: `speck-bench fog [--rates 50,200,500,1000] [--seconds 30] [--runs 3] [--wan-kbit 10000] [--wan-delay-ms 10] [--quick]`.</summary>
public sealed record FogOptions
{
    /// <summary>Detections per second sent to each edge (the issue asks for up to one per millisecond).</summary>
    public IReadOnlyList<int> Rates { get; init; } = [100, 250, 500, 1000];

    /// <summary>The fixed window per run: what the jobs wrote within it counts.</summary>
    public int Seconds { get; init; } = 30;

    public int Runs { get; init; } = 3;
    /// <summary>
    /// Each site's WAN uplink: 2 Mbit/s, an edge on a thin line, so that at one detection per millisecond the cloud
    /// placement (each edge's cleaned detections cross its uplink twice, Job 3's results come back) needs more than
    /// the line has, and the fog placement (once) does not.
    /// </summary>
    public int WanKbit { get; init; } = 2_000;
    public int WanDelayMs { get; init; } = 10;
    public string Out { get; init; } = "docs/fog-vs-cloud.md";
    public string Provider { get; init; } = Environment.GetEnvironmentVariable("SPECK_PROVIDER") ?? Path.Combine(AppContext.BaseDirectory, "pulumi-resource-speck");

    /// <summary>The whole experiment stops after this, whatever is left.</summary>
    public int MaxMinutes { get; init; } = 45;

    public static FogOptions Parse(IReadOnlyList<string> args)
    {
        var o = new FogOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            o = args[i] switch
            {
                "--rates" => o with { Rates = [.. Next().Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture))] },
                "--seconds" => o with { Seconds = Int() },
                "--runs" => o with { Runs = Int() },
                "--wan-kbit" => o with { WanKbit = Int() },
                "--wan-delay-ms" => o with { WanDelayMs = Int() },
                "--out" => o with { Out = Next() },
                "--provider" => o with { Provider = Next() },
                "--max-minutes" => o with { MaxMinutes = Int() },
                "--quick" => o with { Rates = [50, 500], Seconds = 10, Runs = 1 },
                _ => throw new ArgumentException($"unknown argument '{args[i]}'"),
            };
        }
        return o;
    }
}

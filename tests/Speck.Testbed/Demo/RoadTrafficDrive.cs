using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using Speck.Testbed.Traffic;

namespace Speck.Testbed.Demo;

/// <summary>
/// The demo's view of the road-traffic pipeline: drives detections into every edge for a bounded time (timestamps
/// follow the wall clock), watches every job's output topic, waits (bounded) until the statistics account for
/// every well-formed detection, then prints what each job did and a sample of the local and global statistics.
/// Watching uses each broker's admin login (an operator's view); publishing uses a client holding only the raw
/// topic's publish role.
/// </summary>
public static class RoadTrafficDrive
{
    public sealed record Arguments(string ConfigPath, JsonObject PublishRoles, JsonObject Jobs, JsonObject? PreviousJobs,
        double Seconds, double Rate, double Malformed, string Title);

    private static readonly string[] Edges = ["edge1", "edge2", "edge3"];
    private const long Window = 10_000;

    private static readonly Dictionary<string, string[]> Sensors = new()
    {
        ["edge1"] = ["S01", "S02", "S03", "S04"],
        ["edge2"] = ["S04", "S05", "S06", "S07"],
        ["edge3"] = ["S07", "S08", "S09", "S10"],
    };

    public static async Task<int> RunAsync(Arguments a, IAnsiConsole console, CancellationToken ct = default)
    {
        if (Console.IsOutputRedirected) console.Profile.Width = 120; // Spectre's fallback of 80 columns wraps the tables
        var brokers = new Dictionary<string, (Uri Url, string Admin)>();
        foreach (var site in Edges.Append("cloud")) brokers[site] = await PubSubCheck.SiteBrokerAsync(a.ConfigPath, site);
        var watchers = new Dictionary<string, StatsListener>();
        try
        {
            foreach (var edge in Edges)
                watchers[edge] = await StatsListener.StartAsync(brokers[edge].Url, "admin", brokers[edge].Admin, ["traffic/clean", "traffic/stats/local"], ct);
            var cloud = watchers["cloud"] = await StatsListener.StartAsync(brokers["cloud"].Url, "admin", brokers["cloud"].Admin,
                ["traffic/merged", "traffic/stats/global", "traffic/alerts/congestion"], ct);

            var count = (int)Math.Round(a.Seconds * a.Rate);
            // Start on a fresh 10 s window (and wait for it), so a window never mixes this run's detections with an
            // earlier run's: the jobs keep counting across runs, and the check compares with this run only.
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var start = (now + 1_000) / Window * Window + Window;
            await console.Status().StartAsync("waiting for the next 10 s window", _ => Task.Delay(TimeSpan.FromMilliseconds(start - now), ct));
            var sent = new Dictionary<string, TrafficReport>();
            await console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async progress =>
                {
                    var runs = Edges.Select(async (edge, i) =>
                    {
                        var bar = progress.AddTask($"{edge}: {count} detections at {a.Rate:0.#}/s", maxValue: count);
                        await using var login = await TrafficLogin.CreateAsync(brokers[edge].Url, "admin", brokers[edge].Admin, a.PublishRoles[edge]!.GetValue<string>(), ct);
                        var options = new TrafficOptions
                        {
                            Count = count, MalformedShare = a.Malformed, Seed = (int)(start % 10_000) + i, Sensors = Sensors[edge], VehiclePrefix = edge + "-",
                            StartTs = start, MeanGapMs = (int)(1000 / a.Rate),
                        };
                        var report = await TrafficGenerator.PublishAsync(new TrafficTarget(brokers[edge].Url, "traffic/raw", login.Username, login.Password),
                            options, a.Rate, n => bar.Value = n, ct);
                        lock (sent) sent[edge] = report;
                    });
                    await Task.WhenAll(runs);
                });

            var merged = TrafficReport.Merge(sent.Values);
            bool Exact() => Edges.All(e => watchers[e].Matches("traffic/stats/local", sent[e].Counts)) && cloud.Matches("traffic/stats/global", merged.Counts);
            var settled = await console.Status().StartAsync("waiting for the statistics to account for every detection",
                _ => StatsListener.WaitUntilAsync(Exact, TimeSpan.FromSeconds(30), ct));

            console.Write(JobsTable(a, sent, watchers, await StartTimesAsync(a, ct)));
            console.Write(StatsTable("edge1: cars per sensor per 10 s window", watchers["edge1"].Latest("traffic/stats/local"), Sensors["edge1"]));
            console.Write(StatsTable("all edges (merged): cars per sensor per 10 s window", cloud.Latest("traffic/stats/global"),
                Sensors.Values.SelectMany(s => s).Distinct().Order(StringComparer.Ordinal).ToArray()));
            if (cloud.Messages("traffic/alerts/congestion") > 0)
                console.MarkupLine($"[yellow]congestion alerts:[/] {cloud.Messages("traffic/alerts/congestion")} (sensor windows that reached the threshold)");

            foreach (var edge in Edges)
                Verdict(console, watchers[edge].Matches("traffic/stats/local", sent[edge].Counts),
                    $"{edge}: local statistics count exactly the {sent[edge].WellFormed} well-formed detections sent ({sent[edge].Malformed} malformed dropped by Job 1)");
            Verdict(console, cloud.Matches("traffic/stats/global", merged.Counts),
                $"cloud: global statistics count exactly the {merged.WellFormed} well-formed detections of all edges");
            return settled ? 0 : 1;
        }
        finally
        {
            foreach (var w in watchers.Values) await w.DisposeAsync();
        }
    }

    /// <summary>When each job's flow last started, from the flow context its health node writes (Node-RED's Admin API).</summary>
    private static async Task<Dictionary<string, long?>> StartTimesAsync(Arguments a, CancellationToken ct)
    {
        var config = StackConfigFile.Read(a.ConfigPath);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var result = new Dictionary<string, long?>();
        foreach (var (job, where) in a.Jobs)
        {
            var (site, flow) = (where!.GetValue<string>().Split('/')[0], where.GetValue<string>().Split('/')[1]);
            var context = JsonNode.Parse(await http.GetStringAsync($"{config[site + "SpeUrl"]}/context/flow/{Uri.EscapeDataString(flow)}", ct)) as JsonObject;
            var started = (context?["memory"] ?? context)?["speck_started"]?["msg"]?.GetValue<string>();
            result[job] = long.TryParse(started, CultureInfo.InvariantCulture, out var t) ? t : null;
        }
        return result;
    }

    private static Table JobsTable(Arguments a, Dictionary<string, TrafficReport> sent, Dictionary<string, StatsListener> w, Dictionary<string, long?> started)
    {
        var cloud = w["cloud"];
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(a.Title)}[/]")
            .AddColumn("job").AddColumn("resource").AddColumn("site").AddColumn("Node-RED flow").AddColumn("flow started (UTC)").AddColumn(new TableColumn("in").RightAligned())
            .AddColumn(new TableColumn("out").RightAligned());
        void Row(string job, string what, int? input, int output)
        {
            if (a.Jobs[job]?.GetValue<string>() is not { } where) return;
            var (site, flow) = (where.Split('/')[0], where.Split('/')[1]);
            var previous = a.PreviousJobs?[job]?.GetValue<string>();
            var mark = a.PreviousJobs is null ? "" : previous is null ? " [green](new)[/]" : previous == where ? " [grey](unchanged)[/]" : $" [yellow](was {Markup.Escape(previous)})[/]";
            var since = started.GetValueOrDefault(job) is { } t ? $"{DateTimeOffset.FromUnixTimeMilliseconds(t):HH:mm:ss.fff}" : "?";
            table.AddRow(what, job, site, $"{flow}{mark}", since, input?.ToString("N0", CultureInfo.InvariantCulture) ?? "", output.ToString("N0", CultureInfo.InvariantCulture));
        }
        for (var i = 1; i <= 3; i++)
        {
            var edge = $"edge{i}";
            Row($"cleanJob{i}", "1 clean", sent[edge].Sent, w[edge].Messages("traffic/clean"));
            Row($"forwardJob{i}", "2 forward", w[edge].Messages("traffic/clean"), cloud.Messages("traffic/merged", edge + "-"));
            Row($"localStatsJob{i}", "3 local stats", w[edge].Messages("traffic/clean"), w[edge].Messages("traffic/stats/local"));
        }
        Row("globalStatsJob", "4 global stats", cloud.Messages("traffic/merged"), cloud.Messages("traffic/stats/global"));
        Row("congestionJob", "+ congestion", cloud.Messages("traffic/stats/global"), cloud.Messages("traffic/alerts/congestion"));
        return table;
    }

    private static Table StatsTable(string title, IReadOnlyDictionary<WindowKey, int> stats, string[] sensors)
    {
        var table = new Table().Border(TableBorder.Simple).Title($"[bold]{Markup.Escape(title)}[/]").AddColumn("window from (UTC)");
        foreach (var s in sensors) table.AddColumn(new TableColumn(s).RightAligned());
        table.AddColumn(new TableColumn("total").RightAligned());
        foreach (var window in stats.Keys.Select(k => k.Window).Distinct().Order().TakeLast(4))
        {
            var from = DateTimeOffset.FromUnixTimeMilliseconds(window);
            var cells = sensors.Select(s => stats.TryGetValue(new WindowKey(window, s), out var n) ? n.ToString(CultureInfo.InvariantCulture) : "[grey]·[/]");
            var total = sensors.Sum(s => stats.GetValueOrDefault(new WindowKey(window, s)));
            table.AddRow([$"{from:HH:mm:ss}", .. cells, $"[bold]{total}[/]"]);
        }
        return table;
    }

    private static void Verdict(IAnsiConsole console, bool ok, string text) =>
        console.MarkupLine(ok ? $"[green]✓[/] {Markup.Escape(text)}" : $"[red]✗[/] {Markup.Escape(text)}");
}

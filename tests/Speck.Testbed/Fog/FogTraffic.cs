using System.Text.Json.Nodes;
using Speck.Testbed.Traffic;

namespace Speck.Testbed.Fog;

/// <summary>
/// Detections into every edge's <c>traffic/raw</c> (each edge's generator logged in with only that topic's publish
/// role, as a road sensor would be) and what the statistics jobs wrote, watched on each edge's
/// <c>traffic/stats/local</c> (Job 3) and the cloud's <c>traffic/stats/global</c> (Job 4) with the brokers' admin
/// logins. This process reaches every broker by address, off the WAN.
/// </summary>
public sealed class FogTraffic : IAsyncDisposable
{
    public static readonly string[] Edges = ["edge1", "edge2", "edge3"];
    private readonly FogSites _sites;
    private readonly Dictionary<string, TrafficLogin> _logins = [];
    private readonly Dictionary<string, StatsListener> _watchers = [];

    private FogTraffic(FogSites sites) => _sites = sites;

    private Uri Broker(string site) => new($"mqtt://{_sites.Network.SiteAddress(site)}:{FogSites.BrokerPort}");

    /// <param name="publishRoles">The program's <c>rawPublishRoles</c> output: each edge's raw topic's publish role.</param>
    public static async Task<FogTraffic> StartAsync(FogSites sites, JsonObject publishRoles, CancellationToken ct = default)
    {
        var traffic = new FogTraffic(sites);
        try
        {
            foreach (var edge in Edges)
            {
                var admin = sites[edge].Broker;
                traffic._logins[edge] = await TrafficLogin.CreateAsync(traffic.Broker(edge), admin.AdminUser!, admin.AdminPassword!, publishRoles[edge]!.GetValue<string>(), ct);
                traffic._watchers[edge] = await StatsListener.StartAsync(traffic.Broker(edge), admin.AdminUser, admin.AdminPassword, ["traffic/stats/local"], ct);
            }
            var cloud = sites["cloud"].Broker;
            traffic._watchers["cloud"] = await StatsListener.StartAsync(traffic.Broker("cloud"), cloud.AdminUser, cloud.AdminPassword, ["traffic/stats/global"], ct);
            return traffic;
        }
        catch
        {
            await traffic.DisposeAsync();
            throw;
        }
    }

    private int _sent;

    /// <summary>Detections sent so far, over all edges.</summary>
    public int Sent => Volatile.Read(ref _sent);

    /// <summary>Messages Job 3 wrote so far, over all edges (one per detection it processed).</summary>
    public int LocalStats => Edges.Sum(e => _watchers[e].Messages("traffic/stats/local"));

    /// <summary>Messages Job 4 wrote so far (one per detection it processed).</summary>
    public int GlobalStats => _watchers["cloud"].Messages("traffic/stats/global");

    /// <summary>
    /// Sends <paramref name="count"/> well-formed detections to each edge at <paramref name="rate"/> per second (all
    /// edges at once), timestamped from <paramref name="startTs"/>; returns what each edge's generator really sent.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, TrafficReport>> SendAsync(int count, double rate, long startTs, CancellationToken ct = default) =>
        (await Task.WhenAll(Edges.Select(async (edge, i) => (edge, await SendToAsync(edge, i, count, rate, startTs, ct))))).ToDictionary(s => s.edge, s => s.Item2);

    /// <summary>
    /// As <see cref="SendAsync"/>, for a load test: an edge whose broker stops acknowledging (saturated) ends its
    /// generator instead of failing the run, and is listed in <see cref="Overloaded"/>; <see cref="Sent"/> counts what went out.
    /// </summary>
    public async Task SendUntilOverloadedAsync(int count, double rate, long startTs, CancellationToken ct = default) =>
        await Task.WhenAll(Edges.Select(async (edge, i) =>
        {
            try { await SendToAsync(edge, i, count, rate, startTs, ct); }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
            catch (MQTTnet.Exceptions.MqttCommunicationException)
            {
                // Stopped at the window's end, a publish in flight ends as a timeout too: only one before it is an overload.
                if (!ct.IsCancellationRequested) lock (_overloaded) _overloaded.Add(edge);
            }
        }));

    private readonly List<string> _overloaded = [];

    /// <summary>Edges whose broker stopped acknowledging during <see cref="SendUntilOverloadedAsync"/>.</summary>
    public IReadOnlyList<string> Overloaded { get { lock (_overloaded) return [.. _overloaded]; } }

    private Task<TrafficReport> SendToAsync(string edge, int i, int count, double rate, long startTs, CancellationToken ct)
    {
        var options = new TrafficOptions
        {
            Count = count, Seed = (int)(startTs % 10_000) + i, VehiclePrefix = edge + "-", StartTs = startTs,
            Sensors = [$"S{i + 1}1", $"S{i + 1}2"], MeanGapMs = Math.Max(1, (int)(1000 / rate)),
        };
        var login = _logins[edge];
        return TrafficGenerator.PublishAsync(new TrafficTarget(Broker(edge), "traffic/raw", login.Username, login.Password), options, rate,
            _ => Interlocked.Increment(ref _sent), ct, inFlight: 64);
    }

    /// <summary>Whether the statistics account exactly for <paramref name="sent"/> (the jobs publish running counts).</summary>
    public bool Exact(IReadOnlyDictionary<string, TrafficReport> sent) =>
        Edges.All(e => _watchers[e].Matches("traffic/stats/local", sent[e].Counts))
        && _watchers["cloud"].Matches("traffic/stats/global", TrafficReport.Merge(sent.Values).Counts);

    public async ValueTask DisposeAsync()
    {
        foreach (var w in _watchers.Values) await w.DisposeAsync();
        foreach (var l in _logins.Values)
        {
            try { await l.DisposeAsync(); }
            catch (Exception e) when (e is InvalidOperationException or IOException) { } // the broker may be gone already
        }
    }
}

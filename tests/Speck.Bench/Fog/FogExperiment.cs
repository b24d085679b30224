using System.Text.Json.Nodes;
using Speck.Testbed.Fog;

namespace Speck.Bench.Fog;

/// <summary>
/// `make experiment` (docs/fog-vs-cloud.md): the road-traffic pipeline on three namespaced edges and a cloud behind a
/// limited, delayed WAN, measured at rising rates with Job 3 at the edges (fog) and then, after the user's edit and
/// `up`, in the cloud. Everything it made (namespaces, processes, the stack's resources) is removed on every exit path.
/// </summary>
public static class FogExperiment
{
    public static async Task<IReadOnlyList<FogMeasurement>> RunAsync(FogOptions o, TextWriter log, CancellationToken ct)
    {
        var results = new List<FogMeasurement>();
        await using var network = await FogNetwork.CreateAsync(new FogNetworkOptions
        {
            Sites = [.. FogTraffic.Edges, "cloud"], WanKbit = o.WanKbit, WanDelay = TimeSpan.FromMilliseconds(o.WanDelayMs),
        }, ct);
        log.WriteLine($"network {network.Tag}: 10.{network.Octet}.0.0/16, uplinks {o.WanKbit} kbit/s, {o.WanDelayMs} ms each way");
        await using var sites = await FogSites.StartAsync(network, ct);
        var example = Path.Combine(Speck.Testbed.RepoRoot.Find(), "examples", "road-traffic", "Pulumi.yaml");
        using var deployment = await FogDeployment.CreateAsync(sites, example, Path.Combine(AppContext.BaseDirectory, "speck-engine"), o.Provider);
        try
        {
            await deployment.EngineAsync("up", ct);
            var roles = (JsonObject)deployment.Outputs()["rawPublishRoles"]!;
            var startTs = 1_764_028_800_000L;
            foreach (var placement in new[] { Placement.Fog, Placement.Cloud })
            {
                if (placement != deployment.Placement)
                {
                    deployment.Place(placement); // as a user would: edit each Job 3's site, then `up`
                    await deployment.EngineAsync("up", ct);
                    log.WriteLine($"Job 3 moved to the {placement.ToString().ToLowerInvariant()}");
                }
                foreach (var rate in o.Rates)
                    for (var run = 1; run <= o.Runs; run++)
                    {
                        startTs += 3_600_000; // each run's detections in windows of their own
                        var m = await FogMeasurement.TakeAsync(deployment, roles, rate, run, o.Seconds, startTs, ct);
                        results.Add(m);
                        log.WriteLine($"{placement,-5} {rate,5}/s run {run}: sent {m.Sent}, Job 3 wrote {m.Job3}, Job 4 {m.Job4}; " +
                            $"Node-RED CPU {string.Join(", ", m.EngineCpu.Select(c => $"{c.Key} {c.Value:0}%"))}; " +
                            $"uplinks {string.Join(", ", m.UplinkMbit.Select(c => $"{c.Key} {c.Value:0.0} Mbit/s"))}");
                    }
            }
        }
        finally
        {
            try { await deployment.EngineAsync("destroy", CancellationToken.None); }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException) { log.WriteLine($"destroy failed (the sites go anyway): {e.Message}"); }
        }
        return results;
    }
}

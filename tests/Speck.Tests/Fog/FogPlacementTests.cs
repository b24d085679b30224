using System.Text.Json.Nodes;
using Speck.Testbed.Fog;
using Speck.Testbed.Traffic;

namespace Speck.Tests.Fog;

/// <summary>
/// The placement switch of `make experiment` on a handful of messages: examples/road-traffic on four namespaced sites
/// (Mosquitto + Node-RED each) behind the limited, delayed WAN, Job 3 moved from the edges to the cloud by editing
/// its <c>site</c> and running <c>up</c>, and the statistics exact before and after.
/// </summary>
public sealed class FogPlacementTests
{
    [Fact]
    public async Task Moving_job_3_to_the_cloud_touches_only_it_and_its_statistics_then_cross_the_wan()
    {
        await using var network = await FogNetwork.CreateAsync(new FogNetworkOptions { Sites = [.. FogTraffic.Edges, "cloud"], WanKbit = 10_000 });
        await using var sites = await FogSites.StartAsync(network);
        using var deployment = await FogDeployment.CreateAsync(sites, Path.Combine(RepoPaths.Examples, "road-traffic", "Pulumi.yaml"),
            Path.Combine(AppContext.BaseDirectory, "speck-engine"), RepoPaths.ProviderBinary);
        try
        {
            await deployment.EngineAsync("up");
            var fog = Jobs(deployment);
            Assert.All(FogTraffic.Edges, (e, i) => Assert.Equal(e, fog[$"localStatsJob{i + 1}"].Site));
            await SendAndCheckAsync(deployment, 1_764_028_800_000);
            var relayed = EdgeRelayBytes(network);

            deployment.Place(Placement.Cloud);
            var up = await deployment.EngineAsync("up");
            var cloud = Jobs(deployment);
            foreach (var (name, job) in cloud)
            {
                if (name.StartsWith("localStatsJob", StringComparison.Ordinal)) Assert.Equal("cloud", job.Site);
                else Assert.Equal(fog[name], job); // every other job keeps its site and its flow
            }
            Assert.Matches(@"3 to update|3 updated", up);

            await SendAndCheckAsync(deployment, 1_764_032_400_000);
            // Job 3 now reads each edge's cleaned detections, and writes its statistics back, through that edge's relay.
            Assert.True(EdgeRelayBytes(network) > relayed, "Job 3 in the cloud did not use the edges' WAN relays");
        }
        finally
        {
            await deployment.EngineAsync("destroy");
        }
    }

    private static async Task SendAndCheckAsync(FogDeployment deployment, long startTs)
    {
        var roles = (JsonObject)deployment.Outputs()["rawPublishRoles"]!;
        await using var traffic = await FogTraffic.StartAsync(deployment.Sites, roles);
        var sent = await traffic.SendAsync(count: 20, rate: 100, startTs);
        Assert.True(await StatsListener.WaitUntilAsync(() => traffic.Exact(sent), TimeSpan.FromSeconds(60)),
            $"statistics not exact: Job 3 wrote {traffic.LocalStats}, Job 4 {traffic.GlobalStats} for {sent.Values.Sum(r => r.WellFormed)} detections");
    }

    private static long EdgeRelayBytes(FogNetwork network) =>
        network.Relays.Where(r => FogTraffic.Edges.Any(e => r.Target.Address.ToString() == network.SiteAddress(e))).Sum(r => r.Bytes);

    private sealed record Job(string Site, string Id);

    private static Dictionary<string, Job> Jobs(FogDeployment deployment) =>
        ((JsonObject)deployment.Outputs()["jobs"]!).ToDictionary(kv => kv.Key, kv =>
        {
            var parts = kv.Value!.GetValue<string>().Split('/', 2);
            return new Job(parts[0], parts[1]);
        });
}

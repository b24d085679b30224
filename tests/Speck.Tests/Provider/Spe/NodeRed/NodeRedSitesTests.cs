using System.Net;
using System.Net.Http.Headers;
using Speck.Testbed.NodeRed;
using Speck.Tests.Provider.Brokers.Mqtt;

namespace Speck.Tests.Provider.Spe.NodeRed;

public sealed class NodeRedSitesTests
{
    [Fact]
    public async Task Starts_each_site_with_its_own_broker_and_engine_and_stops_them_all()
    {
        var sites = await NodeRedSites.StartAsync(["edge1", "cloud"], new NodeRedSitesOptions { AdminToken = true });
        var pids = new List<int>();
        try
        {
            Assert.Equal(["edge1", "cloud"], sites.Sites.Select(s => s.Name));
            Assert.Equal(2, sites.Sites.Select(s => s.Broker.Port).Distinct().Count());
            Assert.Equal(2, sites.Sites.Select(s => s.EngineUrl).Distinct().Count());
            using var http = new HttpClient();
            foreach (var site in sites.Sites)
            {
                pids.Add(site.Broker.Pid);
                pids.Add(sites.EngineOf(site.Name).Pid);
                Assert.True(site.Broker.HasDynsec);
                Assert.Equal(MqttClientConnectResultCodeSuccess, await MqttTest.TryConnectAsync(site.Broker, site.Broker.AdminUser!, site.Broker.AdminPassword!));
                using var req = new HttpRequestMessage(HttpMethod.Get, site.EngineUrl + "/flows");
                req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", sites.TokenOf(site.Name));
                using var res = await http.SendAsync(req);
                Assert.Equal(HttpStatusCode.OK, res.StatusCode);
            }

            Assert.NotEqual(sites.TokenOf("edge1"), sites.TokenOf("cloud"));
            Assert.Contains(sites.Config(), kv => kv.Key == "cloudSpeToken" && kv.Value == sites.TokenOf("cloud"));
        }
        finally
        {
            await sites.DisposeAsync();
        }

        Assert.All(pids, pid => Assert.False(NodeRedProcess.IsAlive(pid), $"process {pid} still runs"));
    }

    private const MQTTnet.MqttClientConnectResultCode MqttClientConnectResultCodeSuccess = MQTTnet.MqttClientConnectResultCode.Success;
}

using MQTTnet;
using MQTTnet.Protocol;
using Speck.Testbed.Fog;
using Speck.Testbed.Mosquitto;

namespace Speck.Tests.Fog;

/// <summary>
/// The emulated fog of `make experiment` (docs/fog-vs-cloud.md §Network): namespaces, per-namespace names, the limited
/// uplink and the delaying relay, checked by what the kernel and the relay counted, not by timing.
/// </summary>
public sealed class FogNetworkTests
{
    private static readonly FogNetworkOptions Options = new() { Sites = ["edge1", "cloud"], WanKbit = 1_000, WanDelay = TimeSpan.FromMilliseconds(20) };

    [Fact]
    public async Task A_site_reaches_another_site_only_through_its_limited_uplink_and_the_relay_and_itself_directly()
    {
        await using var network = await FogNetwork.CreateAsync(Options);
        await using var cloud = await MosquittoBroker.StartAsync(Broker(network, "cloud"));
        await using var edge = await MosquittoBroker.StartAsync(Broker(network, "edge1"));

        // Names: ctl finds sites directly; edge1 finds itself on loopback and the cloud at the cloud's relay.
        Assert.Contains(network.SiteAddress("cloud"), await Resolve(network, FogNetwork.ControlSite, "cloud.speck"));
        Assert.Contains(network.RelayAddress("cloud"), await Resolve(network, "edge1", "cloud.speck"));
        Assert.Contains("127.0.0.1", await Resolve(network, "edge1", "edge1.speck"));

        var relay = network.Relays.Single(r => r.Target.Address.ToString() == network.SiteAddress("cloud"));
        await using var listener = await Subscribe(cloud, "wan/test");

        // Local traffic stays off the WAN.
        var before = await network.UplinkStatsAsync("edge1");
        await Publish(network, "edge1", "edge1.speck", "wan/test", 200_000);
        Assert.Equal(before.Bytes, (await network.UplinkStatsAsync("edge1")).Bytes);
        Assert.Equal(0, relay.Bytes);

        // 200 kB to the cloud: carried by the uplink class, held back by its rate (1 Mbit/s: a burst of 200 kB
        // exceeds the bucket), carried by the relay, and received whole.
        await Publish(network, "edge1", "cloud.speck", "wan/test", 200_000);
        Assert.True(await WaitAsync(() => listener.Bytes >= 200_000), $"the cloud received {listener.Bytes} of 200000 bytes");
        var after = await network.UplinkStatsAsync("edge1");
        Assert.True(after.Bytes - before.Bytes >= 200_000, $"the uplink carried {after.Bytes - before.Bytes} bytes");
        Assert.True(after.Overlimits > before.Overlimits, "the uplink never held a packet back");
        Assert.True(relay.Bytes >= 200_000, $"the relay carried {relay.Bytes} bytes");
    }

    [Fact]
    public async Task Disposing_removes_every_namespace_and_hosts_file()
    {
        string[] namespaces;
        await using (var network = await FogNetwork.CreateAsync(Options))
        {
            namespaces = [.. Options.Sites.Append(FogNetwork.ControlSite).Select(network.Namespace)];
            Assert.All(namespaces, ns => Assert.True(Directory.Exists($"/etc/netns/{ns}")));
        }
        var left = await NetCommands.Ip("netns", "list");
        Assert.All(namespaces, ns => Assert.DoesNotContain(ns, left));
        Assert.All(namespaces, ns => Assert.False(Directory.Exists($"/etc/netns/{ns}")));
    }

    private static MosquittoBrokerOptions Broker(FogNetwork n, string site) => new()
    {
        Port = 1883, Host = n.SiteAddress(site), BindAddress = "0.0.0.0", NetworkNamespace = n.Namespace(site), AllowAnonymous = true,
    };

    private static async Task<string> Resolve(FogNetwork n, string site, string name) => await NetCommands.InNamespace(n.Namespace(site), "getent", "hosts", name);

    private static async Task Publish(FogNetwork n, string site, string host, string topic, int bytes)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, new byte[bytes]);
            await NetCommands.InNamespace(n.Namespace(site), "mosquitto_pub", "-h", host, "-p", "1883", "-t", topic, "-q", "1", "-f", file);
        }
        finally { File.Delete(file); }
    }

    private static async Task<bool> WaitAsync(Func<bool> done)
    {
        for (var i = 0; i < 200 && !done(); i++) await Task.Delay(50);
        return done();
    }

    private sealed class ByteCounter(IMqttClient client) : IAsyncDisposable
    {
        private long _bytes;
        public long Bytes => Interlocked.Read(ref _bytes);
        public void Add(long n) => Interlocked.Add(ref _bytes, n);
        public async ValueTask DisposeAsync() { await client.DisconnectAsync(); client.Dispose(); }
    }

    private static async Task<ByteCounter> Subscribe(MosquittoBroker broker, string topic)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var counter = new ByteCounter(client);
        client.ApplicationMessageReceivedAsync += e => { counter.Add(e.ApplicationMessage.Payload.Length); return Task.CompletedTask; };
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).Build());
        await client.SubscribeAsync(topic, MqttQualityOfServiceLevel.AtLeastOnce);
        return counter;
    }
}

using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Speck.Host.Resources;
using Speck.Host.Values;
using Speck.Provider;
using Speck.Provider.Brokers.Kafka;
using Speck.Provider.Brokers.Mqtt;
using Speck.Provider.Brokers.Mqtt.Dynsec;
using Speck.Tests.Provider.Resources;
using static Speck.Tests.Provider.Resources.ResourceDriver;

namespace Speck.Tests.Provider.Brokers.Kafka;

/// <summary>A SpeSite whose broker is Kafka: probed through the Kafka binder, against librdkafka's mock cluster.</summary>
public class KafkaSiteTests(KafkaMockCluster mock) : IClassFixture<KafkaMockCluster>
{
    private const string SiteType = "speck:index:SpeSite";

    private static ResourceDriver Driver()
    {
        var config = new ConfigSource();
        var kafka = new KafkaBinder(config, options: new KafkaBinderOptions { ClusterIdTimeout = TimeSpan.FromMilliseconds(500) });
        return new ResourceDriver(new SpeckProvider(config, [new AnsweringSpeBinder()], [new MqttBinder(config, new DynsecConnectionPool()), kafka]));
    }

    private static PropertyMap Site(string brokerUrl, string speKind = "flink", string speUrl = "http://127.0.0.1:8081") => Map(
        ("siteName", S("kafka-site")), ("tier", S("cloud")),
        ("spe", Obj(("kind", S(speKind)), ("url", S(speUrl)))),
        ("broker", Obj(("kind", S("kafka")), ("url", S(brokerUrl)))));

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Fact]
    public async Task A_kafka_site_records_its_reachable_broker()
    {
        var (_, created) = await Driver().CreateAsync(SiteType, "kafka-site", Site("kafka://" + mock.BootstrapServers));

        Assert.Equal("kafka-site", created.Id);
        Assert.True(created.Outputs["brokerReachable"].AsBool);
        Assert.False(created.Outputs["accessControl"].AsBool);
        Assert.Equal("kafka", Unwired(created.Outputs["connection"])["broker"].AsObject["kind"].AsString);
    }

    [Fact]
    public async Task An_unreachable_kafka_broker_fails_create_naming_the_url()
    {
        var driver = Driver();
        await driver.Provider.ConfigureAsync(Map(("probeTimeoutSeconds", PropertyValue.Of(2))), CancellationToken.None);
        var url = $"127.0.0.1:{ClosedPort()}";

        var e = await Assert.ThrowsAsync<ProviderException>(() => driver.CreateAsync(SiteType, "kafka-site", Site(url)));

        Assert.Equal(FailureKind.Unavailable, e.Kind);
        Assert.Contains(url, e.Message);
        Assert.Contains("no metadata", e.Message);
    }

    [Fact]
    public async Task The_plugins_own_provider_probes_kafka_sites_instead_of_failing_on_a_missing_binder()
    {
        var driver = new ResourceDriver();
        await driver.Provider.ConfigureAsync(Map(("probeTimeoutSeconds", PropertyValue.Of(1))), CancellationToken.None);
        var url = $"kafka://127.0.0.1:{ClosedPort()}";

        var e = await Assert.ThrowsAsync<ProviderException>(() =>
            driver.CreateAsync(SiteType, "kafka-site", Site(url, "nodered", $"http://127.0.0.1:{ClosedPort()}")));

        Assert.Equal(FailureKind.Unavailable, e.Kind);
        Assert.Contains("Kafka at 127.0.0.1:", e.Message);
    }

    [Fact]
    public async Task A_ca_certificate_librdkafka_cannot_read_fails_create_cleanly()
    {
        var site = Site("kafka://" + mock.BootstrapServers);
        var broker = site["broker"].AsObject.SetItem("caCert", S("not a certificate"));
        var e = await Assert.ThrowsAsync<ProviderException>(() => Driver().CreateAsync(SiteType, "kafka-site", site.With("broker", PropertyValue.Of(broker))));
        Assert.Equal(FailureKind.Unavailable, e.Kind);
        Assert.Contains("could not be set up", e.Message);
    }

    [Fact]
    public async Task Check_refuses_a_kafka_url_that_is_not_a_bootstrap_list_naming_the_property()
    {
        var driver = Driver();
        var r = await driver.Handler(SiteType).CheckAsync(driver.Context(SiteType, "kafka-site"), PropertyMap.Empty, Site("mqtt://127.0.0.1:1883"));
        var failure = Assert.Single(r.Failures);
        Assert.Equal("broker.url", failure.Property);
        Assert.Contains("not a Kafka bootstrap list", failure.Reason);
    }
}

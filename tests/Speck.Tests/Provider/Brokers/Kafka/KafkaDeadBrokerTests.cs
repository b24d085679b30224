using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Speck.Host.Resources;
using Speck.Host.Values;
using Speck.Provider;
using Speck.Provider.Brokers;
using Speck.Provider.Brokers.Kafka;
using Speck.Provider.Model;

namespace Speck.Tests.Provider.Brokers.Kafka;

/// <summary>
/// Every Kafka topic operation against a broker that does not answer gives up within the provider's
/// probeTimeoutSeconds and says so, instead of waiting out the 30 s admin operation timeout.
/// </summary>
[Trait("Category", "Unit")]
public class KafkaDeadBrokerTests
{
    private static async Task<(KafkaBinder Binder, BrokerEndpoint Endpoint)> DeadBroker()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var config = new ConfigSource();
        var provider = new SpeckProvider(config, [new AnsweringSpeBinder()], []);
        await provider.ConfigureAsync(PropertyMap.Empty.With("probeTimeoutSeconds", PropertyValue.Of(1)), CancellationToken.None);
        return (new KafkaBinder(config), new BrokerEndpoint { Kind = BrokerKind.Kafka, Url = $"kafka://127.0.0.1:{port}" });
    }

    private static readonly TopicRecord Recorded = new("orders", "speck-test", null, null, []);

    public static TheoryData<string> Operations => ["read", "delete", "create", "update"];

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task A_dead_broker_fails_within_the_probe_timeout_naming_the_broker_and_the_setting(string operation)
    {
        var (binder, endpoint) = await DeadBroker();
        var request = new TopicRequest("orders", "speck-test", new TopicSettings(2, 1, null));

        var e = await Assert.ThrowsAsync<ProviderException>(() => operation switch
        {
            "read" => binder.ReadTopicAsync(endpoint, Recorded, CancellationToken.None),
            "delete" => binder.DeleteTopicAsync(endpoint, Recorded, CancellationToken.None),
            "create" => binder.CreateTopicAsync(endpoint, request, CancellationToken.None),
            _ => binder.UpdateTopicAsync(endpoint, Recorded, request, CancellationToken.None),
        });

        Assert.Equal(FailureKind.Unavailable, e.Kind);
        Assert.Contains(KafkaUrl.BootstrapServers(endpoint.Url), e.Message);
        Assert.Contains("waited up to 1 s, the provider's probeTimeoutSeconds", e.Message);
    }
}

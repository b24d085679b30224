using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Speck.Provider.Brokers.Mqtt;
using Speck.Provider.Brokers.Mqtt.Dynsec;
using Speck.Testbed.Mosquitto;

namespace Speck.Tests.Provider.Brokers.Mqtt;

/// <summary>A dynsec-enabled Mosquitto per test class, with an admin endpoint and a private connection pool.</summary>
public sealed class DynsecBrokerFixture : IAsyncLifetime
{
    public MosquittoBroker Broker { get; private set; } = null!;
    public MqttEndpoint Admin { get; private set; } = null!;
    public DynsecConnectionPool Pool { get; private set; } = null!;
    public MosquittoDynsec Dynsec => Pool.For(Admin);
    public List<string> Log { get; } = [];

    public async Task InitializeAsync()
    {
        Broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Dynsec = true });
        Admin = MqttTest.AdminEndpoint(Broker);
        Pool = new DynsecConnectionPool(new DynsecOptions
        {
            Log = line =>
            {
                lock (Log)
                {
                    Log.Add(line);
                }
            },
        });
    }

    public async Task DisposeAsync()
    {
        await Pool.DisposeAsync();
        await Broker.DisposeAsync();
    }
}

/// <summary>A Mosquitto without dynsec that lets anyone in.</summary>
public sealed class AnonymousBrokerFixture : IAsyncLifetime
{
    public MosquittoBroker Broker { get; private set; } = null!;
    public MqttEndpoint Endpoint => MqttUrl.Parse(Broker.Url);

    public async Task InitializeAsync() => Broker = await MosquittoBroker.StartAsync();

    public async Task DisposeAsync() => await Broker.DisposeAsync();
}

internal static class MqttTest
{
    public static MqttEndpoint AdminEndpoint(MosquittoBroker broker) =>
        MqttUrl.Parse(broker.Url, new MqttCredentials(broker.AdminUser!, broker.AdminPassword!));

    /// <summary>Short random names keep tests that share a broker out of each other's way.</summary>
    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>A new dynsec client (password "pw") that may subscribe to and unsubscribe from exactly <paramref name="topic"/>.</summary>
    public static async Task<MqttEndpoint> SubscriberOfAsync(DynsecBrokerFixture fx, string topic)
    {
        var (user, role) = (Unique("plain"), Unique("sub"));
        await fx.Dynsec.CreateRoleAsync(role, null,
            [new(DynsecAclType.SubscribeLiteral, topic), new(DynsecAclType.UnsubscribeLiteral, topic)]);
        await fx.Dynsec.CreateClientAsync(user, "pw", roles: [new(role)]);
        return fx.Admin.WithCredentials(user, "pw");
    }

    public static async Task<IMqttClient> ConnectAsync(MosquittoBroker broker, string? user = null, string? password = null)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(broker.Host, broker.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(Unique("test"));
        if (user is not null)
        {
            options.WithCredentials(user, password);
        }

        var result = await client.ConnectAsync(options.Build(), CancellationToken.None);
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return client;
    }

    public static async Task<MqttClientConnectResultCode> TryConnectAsync(MosquittoBroker broker, string user, string password)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(broker.Host, broker.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCredentials(user, password)
            .Build();
        var result = await client.ConnectAsync(options, CancellationToken.None);
        if (client.IsConnected)
        {
            await client.DisconnectAsync();
        }

        return result.ResultCode;
    }

    public static async Task<MqttClientPublishReasonCode> PublishAsync(IMqttClient client, string topic, string payload = "x")
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        return (await client.PublishAsync(message, CancellationToken.None)).ReasonCode;
    }

    public static async Task<MqttClientSubscribeResultCode> SubscribeAsync(IMqttClient client, string filter)
    {
        var result = await client.SubscribeAsync(filter, MqttQualityOfServiceLevel.AtLeastOnce, CancellationToken.None);
        return result.Items.Single().ResultCode;
    }

    public static bool Granted(MqttClientSubscribeResultCode code) => (int)code <= 2;
}

using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using MQTTnet;
using Speck.Provider.Brokers.Mqtt;
using Speck.Provider.Spe.NodeRed;
using Speck.Testbed.Mosquitto;
using Speck.Testbed.NodeRed;
using Speck.Tests.Provider.Brokers.Mqtt;

namespace Speck.Tests.Provider.Spe.NodeRed;

/// <summary>One real Node-RED and one anonymous Mosquitto per test class; tests keep apart through unique job keys and topics.</summary>
public sealed class NodeRedSiteFixture : IAsyncLifetime
{
    public NodeRedEngine Engine { get; private set; } = null!;
    public MosquittoBroker Broker { get; private set; } = null!;
    public RecordingHandler Requests { get; } = new();
    public MqttEndpoint BrokerEndpoint => MqttUrl.Parse(Broker.Url);

    public async Task InitializeAsync()
    {
        var engine = NodeRedEngine.StartAsync();
        var broker = MosquittoBroker.StartAsync();
        Engine = await engine;
        Broker = await broker;
    }

    public NodeRedClient Client() => new(new HttpClient(Requests, disposeHandler: false) { BaseAddress = new Uri(Engine.Url + "/") });

    public NodeRedJobs Jobs() => new(Client());

    public async Task DisposeAsync()
    {
        await Engine.DisposeAsync();
        await Broker.DisposeAsync();
        Requests.Dispose();
    }
}

/// <summary>Counts the requests a client sends, to prove what never reached the engine.</summary>
public sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    public ConcurrentQueue<string> Sent { get; } = new();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        Sent.Enqueue($"{request.Method} /{request.RequestUri!.AbsolutePath.TrimStart('/')}");
        return base.SendAsync(request, ct);
    }
}

internal static class NodeRedTest
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(20);

    public static NodeRedJobSpec UpperCaseJob(NodeRedSiteFixture site, string key, string inTopic, string outTopic, MqttEndpoint? broker = null) => new()
    {
        JobKey = key,
        Name = "job " + key,
        FunctionBody = "msg.payload = String(msg.payload).toUpperCase(); return msg;",
        Sources = [new NodeRedMqttTopic(broker ?? site.BrokerEndpoint, inTopic)],
        Sink = new NodeRedMqttTopic(broker ?? site.BrokerEndpoint, outTopic),
        PayloadType = "utf8",
    };

    /// <summary>A subscriber on the sink that collects payloads.</summary>
    public static async Task<(IMqttClient Client, ConcurrentQueue<string> Received)> SinkAsync(MosquittoBroker broker, string topic, string? user = null, string? password = null)
    {
        var received = new ConcurrentQueue<string>();
        var client = await MqttTest.ConnectAsync(broker, user, password);
        client.ApplicationMessageReceivedAsync += e =>
        {
            received.Enqueue(Encoding.UTF8.GetString(e.ApplicationMessage.Payload));
            return Task.CompletedTask;
        };
        Assert.True(MqttTest.Granted(await MqttTest.SubscribeAsync(client, topic)));
        return (client, received);
    }

    /// <summary>
    /// Publishes <paramref name="payload"/> until the sink sees <paramref name="expected"/> (bounded: 50 tries, 100 ms
    /// apart), because the subscription of a just-connected <c>mqtt in</c> may lag its "connected" status by a moment.
    /// </summary>
    public static async Task<bool> FlowsThroughAsync(IMqttClient publisher, string topic, string payload, ConcurrentQueue<string> received, string expected)
    {
        for (var i = 0; i < 50; i++)
        {
            await MqttTest.PublishAsync(publisher, topic, payload);
            for (var j = 0; j < 10; j++)
            {
                if (received.Contains(expected)) return true;
                await Task.Delay(10);
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the broker still holds a session for <paramref name="clientId"/>: connects as it without clean session
    /// (MQTT 3.1.1, like Node-RED) and reads CONNACK's session-present flag, then disconnects with a clean session so
    /// nothing stays behind.
    /// </summary>
    public static async Task<bool> SessionPresentAsync(MosquittoBroker broker, string clientId)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        MqttClientOptions Options(bool clean) => new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311).WithClientId(clientId).WithCleanSession(clean).Build();
        var result = await client.ConnectAsync(Options(false), CancellationToken.None);
        await client.DisconnectAsync();
        await client.ConnectAsync(Options(true), CancellationToken.None);
        await client.DisconnectAsync();
        return result.IsSessionPresent;
    }

    public static JsonArray Nodes(string json) => (JsonArray)JsonNode.Parse(json)!;
}

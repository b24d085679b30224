using MQTTnet;
using MQTTnet.Protocol;
using Speck.Provider.Brokers.Mqtt.Dynsec;

namespace Speck.Provider.Brokers.Mqtt;

public sealed record MqttProbeOptions
{
    public static MqttProbeOptions Default { get; } = new();

    public MqttConnectionOptions Connection { get; init; } = MqttConnectionOptions.Default with { ConnectTimeout = TimeSpan.FromSeconds(5) };

    /// <summary>How long to wait for the retained $SYS/broker/version message.</summary>
    public TimeSpan VersionTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long to wait for the dynsec plugin's answer; only used when the endpoint has credentials.</summary>
    public TimeSpan DynsecTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public bool CheckDynsec { get; init; } = true;
}

/// <summary>What a probe found out. <see cref="Reachable"/> means an MQTT broker answered, even if it refused the login.</summary>
public sealed record MqttProbeResult(
    string EndpointUrl,
    bool Reachable,
    bool Connected,
    string? BrokerVersion,
    bool? DynsecAvailable,
    MqttConnectFailure? Failure,
    int? ConnackReasonCode,
    string? Error,
    string? DynsecError);

public sealed record MqttTopicCheckResult(string Topic, bool Accepted, int? ReasonCode, string? Reason);

/// <summary>Read-only checks of a broker, used by SpeSite (reachability) and Topic (acceptance) resources.</summary>
public static class MqttProbe
{
    private const string VersionTopic = "$SYS/broker/version";

    public static Task<MqttProbeResult> ProbeAsync(MqttEndpoint endpoint, CancellationToken ct) =>
        ProbeAsync(endpoint, MqttProbeOptions.Default, ct);

    /// <summary>
    /// Connects with the endpoint's credentials, reads the broker version when the login may read $SYS,
    /// and, when the endpoint has credentials, checks whether dynsec answers for them. Never throws for
    /// broker-side problems; they are described in the result.
    /// </summary>
    public static async Task<MqttProbeResult> ProbeAsync(MqttEndpoint endpoint, MqttProbeOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        using var client = new MqttClientFactory().CreateMqttClient();
        var version = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ApplicationMessageReceivedAsync += e =>
        {
            if (e.ApplicationMessage.Topic == VersionTopic) version.TrySetResult(e.ApplicationMessage.ConvertPayloadToString());

            return Task.CompletedTask;
        };

        try
        {
            var clientId = MqttConnector.NewClientId(options.Connection.ClientIdPrefix, "probe");
            await MqttConnector.ConnectAsync(client, endpoint, clientId, options.Connection, ct);
        }
        catch (MqttConnectException e)
        {
            var answered = e.Failure is MqttConnectFailure.BadCredentials or MqttConnectFailure.Rejected;
            return new MqttProbeResult(endpoint.Url, answered, false, null, null, e.Failure, e.ConnackReasonCode, e.Message, null);
        }

        string? brokerVersion = null;
        try
        {
            var sub = await client.SubscribeAsync(
                new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic(VersionTopic).WithAtMostOnceQoS()).Build(),
                ct);
            if ((int)sub.Items.First().ResultCode < 0x80) brokerVersion = await version.Task.WaitAsync(options.VersionTimeout, ct);
        }
        catch (TimeoutException)
        {
            // Not every broker publishes a retained version; that is not a failure.
        }

        await DisconnectQuietlyAsync(client);

        bool? dynsec = null;
        string? dynsecError = null;
        if (options.CheckDynsec && endpoint.Credentials is not null)
        {
            // A pool of its own: the probe's connection closes with the probe instead of staying open for the provider.
            await using var admins = new DynsecConnectionPool(new DynsecOptions { Connection = options.Connection, CommandTimeout = options.DynsecTimeout });
            try
            {
                await admins.For(endpoint).PingAsync(ct);
                dynsec = true;
            }
            catch (DynsecException e)
            {
                dynsec = false;
                dynsecError = e.Reason;
            }
        }

        return new MqttProbeResult(endpoint.Url, true, true, brokerVersion, dynsec, null, 0, null, dynsecError);
    }

    public static Task<MqttTopicCheckResult> CheckTopicAcceptedAsync(MqttEndpoint endpoint, string topic, CancellationToken ct) =>
        CheckTopicAcceptedAsync(endpoint, topic, MqttConnectionOptions.Default, ct);

    /// <summary>
    /// Proves the broker accepts <paramref name="topic"/> for this login by subscribing to it (the v5 SUBACK
    /// reason code decides) and unsubscribing again. Nothing is ever published, and retained messages are
    /// not requested. Local validation runs first, so a malformed name never reaches the broker
    /// (a NUL, for one, gets the client disconnected). Connection problems throw <see cref="MqttConnectException"/>.
    /// </summary>
    public static async Task<MqttTopicCheckResult> CheckTopicAcceptedAsync(
        MqttEndpoint endpoint, string topic, MqttConnectionOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (MqttTopicName.Validate(topic) is { } invalid) return new MqttTopicCheckResult(topic, false, null, invalid);

        using var client = new MqttClientFactory().CreateMqttClient();
        await MqttConnector.ConnectAsync(client, endpoint, MqttConnector.NewClientId(options.ClientIdPrefix, "check"), options, ct);
        try
        {
            return await SubscribeCheckAsync(client, endpoint, topic, ct);
        }
        finally
        {
            await DisconnectQuietlyAsync(client);
        }
    }

    /// <summary>The check itself on a connected client: subscribe (the v5 SUBACK decides), then unsubscribe.</summary>
    internal static async Task<MqttTopicCheckResult> SubscribeCheckAsync(IMqttClient client, MqttEndpoint endpoint, string topic, CancellationToken ct)
    {
        var sub = await client.SubscribeAsync(
            new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(f => f.WithTopic(topic).WithAtMostOnceQoS().WithRetainHandling(MqttRetainHandling.DoNotSendOnSubscribe))
                .Build(),
            ct);
        var code = sub.Items.First().ResultCode;
        if ((int)code >= 0x80)
        {
            var text = string.IsNullOrEmpty(sub.ReasonString) ? "" : $" ({sub.ReasonString})";
            return new MqttTopicCheckResult(topic, false, (int)code,
                $"broker {endpoint.Url} refused a subscription to '{topic}': SUBACK {(int)code} {code}{text}");
        }

        await client.UnsubscribeAsync(new MqttClientUnsubscribeOptionsBuilder().WithTopicFilter(topic).Build(), ct);
        return new MqttTopicCheckResult(topic, true, (int)code, null);
    }

    internal static async Task DisconnectQuietlyAsync(IMqttClient client)
    {
        if (!client.IsConnected) return;

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await client.DisconnectAsync(new MqttClientDisconnectOptions(), timeout.Token);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The probe already has its answer; a failed goodbye changes nothing.
        }
    }
}

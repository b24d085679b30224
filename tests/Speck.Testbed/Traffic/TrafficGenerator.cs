using System.Diagnostics;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Speck.Testbed.Traffic;

/// <summary>Where to publish: a broker, a login allowed to publish to the topic, and the topic.</summary>
public sealed record TrafficTarget(Uri Broker, string Topic, string? Username = null, string? Password = null);

/// <summary>
/// Replays <see cref="TrafficDataset"/> items to an MQTT topic at a chosen rate (QoS 1, each publish acknowledged, so
/// nothing is counted that the broker did not take; MQTT 5, because a 3.1.1 broker drops a refused publish silently)
/// and reports exactly what it sent.
/// </summary>
public static class TrafficGenerator
{
    /// <param name="rate">Items per second; 0 publishes as fast as the broker acknowledges.</param>
    /// <param name="progress">Called after each item with the number sent (acknowledged) so far.</param>
    /// <param name="inFlight">Publishes that may await their acknowledgement at once.</param>
    public static async Task<TrafficReport> PublishAsync(TrafficTarget target, TrafficOptions options, double rate,
        Action<int>? progress = null, CancellationToken ct = default, int inFlight = 1)
    {
        var items = TrafficDataset.Generate(options).ToList();
        using var client = new MqttClientFactory().CreateMqttClient();
        var builder = new MqttClientOptionsBuilder().WithTcpServer(target.Broker.Host, target.Broker.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500).WithClientId($"traffic-{options.VehiclePrefix}-{Guid.NewGuid():N}")
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (target.Username is not null) builder = builder.WithCredentials(target.Username, target.Password);
        var connected = await client.ConnectAsync(builder.Build(), ct);
        if (connected.ResultCode != MqttClientConnectResultCode.Success)
            throw new InvalidOperationException($"broker {target.Broker} refused the traffic generator: {connected.ResultCode}");

        var clock = Stopwatch.StartNew();
        var sent = new List<TrafficItem>(items.Count);
        // Up to `inFlight` publishes awaiting their acknowledgement at once (MQTT packet identifiers allow it): one at
        // a time, a publish rate is bounded by the round trip, not by the broker.
        var pending = new Queue<(Task<MqttClientPublishResult> Ack, TrafficItem Item)>();
        async Task AckOldestAsync()
        {
            var (ack, item) = pending.Dequeue();
            var result = await ack;
            if (!result.IsSuccess)
                throw new InvalidOperationException($"broker {target.Broker} refused a publish to '{target.Topic}': {result.ReasonCode}");
            sent.Add(item);
            progress?.Invoke(sent.Count);
        }
        for (var i = 0; i < items.Count; i++)
        {
            if (rate > 0)
            {
                var due = TimeSpan.FromSeconds(i / rate);
                if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed, ct);
            }
            if (pending.Count >= Math.Max(1, inFlight)) await AckOldestAsync();
            pending.Enqueue((client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(target.Topic).WithPayload(items[i].Payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct), items[i]));
        }
        while (pending.Count > 0) await AckOldestAsync();
        await client.DisconnectAsync(cancellationToken: ct);
        return TrafficReport.Of(sent);
    }
}

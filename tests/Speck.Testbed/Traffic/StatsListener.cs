using System.Collections.Concurrent;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Speck.Testbed.Traffic;

/// <summary>
/// Watches a broker's pipeline topics: counts the messages on each, and for statistics messages
/// (<c>{"window","sensor","count"}</c>) keeps the highest count seen per (window, sensor): the statistics jobs
/// publish running counts, so that is the count once every detection is in.
/// </summary>
public sealed class StatsListener : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly ConcurrentDictionary<string, int> _messages = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<WindowKey, int>> _latest = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Topic, string Payload)> _recent = new();
    private readonly ConcurrentDictionary<(string, string), int> _byVehiclePrefix = new();

    private StatsListener(IMqttClient client) => _client = client;

    /// <summary>Subscribes (QoS 1) to <paramref name="topics"/> with a login allowed to read them (e.g. the broker's admin).</summary>
    public static async Task<StatsListener> StartAsync(Uri broker, string? username, string? password, IEnumerable<string> topics, CancellationToken ct = default)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var listener = new StatsListener(client);
        client.ApplicationMessageReceivedAsync += e =>
        {
            listener.Take(e.ApplicationMessage.Topic, e.ApplicationMessage.ConvertPayloadToString());
            return Task.CompletedTask;
        };
        var options = new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId($"stats-{Guid.NewGuid():N}").WithTimeout(TimeSpan.FromSeconds(10));
        if (username is not null) options = options.WithCredentials(username, password);
        try
        {
            await client.ConnectAsync(options.Build(), ct);
            foreach (var topic in topics)
            {
                var sub = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);
                if (sub.Items.Single().ResultCode > MqttClientSubscribeResultCode.GrantedQoS2)
                    throw new InvalidOperationException($"broker {broker} refused the subscription to '{topic}': {sub.Items.Single().ResultCode}");
            }
        }
        catch
        {
            client.Dispose();
            throw;
        }
        return listener;
    }

    public int Messages(string topic) => _messages.GetValueOrDefault(topic);

    /// <summary>Messages on <paramref name="topic"/> carrying a detection whose vehicle id starts with <paramref name="vehiclePrefix"/>.</summary>
    public int Messages(string topic, string vehiclePrefix) => _byVehiclePrefix.GetValueOrDefault((topic, vehiclePrefix));

    /// <summary>The latest (highest) count per window and sensor published on <paramref name="topic"/>.</summary>
    public IReadOnlyDictionary<WindowKey, int> Latest(string topic) =>
        _latest.TryGetValue(topic, out var d) ? new Dictionary<WindowKey, int>(d) : new Dictionary<WindowKey, int>();

    /// <summary>The last messages seen (at most 50), oldest first.</summary>
    public IReadOnlyList<(string Topic, string Payload)> Recent => _recent.ToArray();

    /// <summary>Polls <paramref name="done"/> until it holds or <paramref name="timeout"/> passes; says which.</summary>
    public static async Task<bool> WaitUntilAsync(Func<bool> done, TimeSpan timeout, CancellationToken ct = default)
    {
        var until = DateTime.UtcNow + timeout;
        while (!done())
        {
            if (DateTime.UtcNow >= until) return false;
            await Task.Delay(100, ct);
        }
        return true;
    }

    /// <summary>Whether the latest counts on <paramref name="topic"/> are exactly <paramref name="expected"/> (no key more, none less).</summary>
    public bool Matches(string topic, IReadOnlyDictionary<WindowKey, int> expected)
    {
        var latest = Latest(topic);
        return latest.Count == expected.Count && expected.All(kv => latest.GetValueOrDefault(kv.Key) == kv.Value);
    }

    private void Take(string topic, string payload)
    {
        _messages.AddOrUpdate(topic, 1, (_, n) => n + 1);
        _recent.Enqueue((topic, payload));
        while (_recent.Count > 50) _recent.TryDequeue(out _);
        try
        {
            using var doc = JsonDocument.Parse(payload);
            var r = doc.RootElement;
            if (r.ValueKind == JsonValueKind.Object && r.TryGetProperty("vehicleId", out var v) && v.ValueKind == JsonValueKind.String
                && v.GetString()!.IndexOf('-') is > 0 and var dash)
                _byVehiclePrefix.AddOrUpdate((topic, v.GetString()![..(dash + 1)]), 1, (_, n) => n + 1);
            if (r.ValueKind != JsonValueKind.Object || !r.TryGetProperty("window", out var w) || !r.TryGetProperty("sensor", out var s)
                || !r.TryGetProperty("count", out var c) || w.ValueKind != JsonValueKind.Number || s.ValueKind != JsonValueKind.String
                || c.ValueKind != JsonValueKind.Number)
                return;
            var key = new WindowKey(w.GetInt64(), s.GetString()!);
            _latest.GetOrAdd(topic, _ => new()).AddOrUpdate(key, c.GetInt32(), (_, old) => Math.Max(old, c.GetInt32()));
        }
        catch (JsonException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected) await _client.DisconnectAsync();
        _client.Dispose();
    }
}

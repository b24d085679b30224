using System.Collections.Concurrent;
using MQTTnet;

namespace Speck.Provider.Brokers.Mqtt;

/// <summary>
/// Topic checks (<see cref="MqttProbe.SubscribeCheckAsync"/>) over one connection per broker and login, shared by
/// concurrent callers, instead of a connection per topic: a program creates its topics at once, and a hundred
/// connects cost the broker and the provider more than the subscriptions do. A dropped connection is opened again
/// by the next check; a check whose connection drops under it is tried once more on a fresh one.
/// </summary>
public sealed class MqttTopicChecks : IAsyncDisposable
{
    private readonly ConcurrentDictionary<MqttEndpoint, Connection> _connections = new();

    /// <summary>How many broker connections are open or opening.</summary>
    public int Count => _connections.Count;

    public async Task<MqttTopicCheckResult> CheckAsync(MqttEndpoint endpoint, string topic, MqttConnectionOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (MqttTopicName.Validate(topic) is { } invalid) return new MqttTopicCheckResult(topic, false, null, invalid);
        var connection = _connections.GetOrAdd(endpoint, e => new Connection(e, options));
        for (var attempt = 1; ; attempt++)
        {
            var client = await connection.ConnectedAsync(ct);
            try
            {
                return await MqttProbe.SubscribeCheckAsync(client, endpoint, topic, ct);
            }
            catch (Exception) when (attempt == 1 && !client.IsConnected && !ct.IsCancellationRequested)
            {
                // The broker went away (restarted, say) between the connect and this check: once more, on a new connection.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var endpoint in _connections.Keys.ToList())
            if (_connections.TryRemove(endpoint, out var connection))
                await connection.DisposeAsync();
    }

    private sealed class Connection(MqttEndpoint endpoint, MqttConnectionOptions options) : IAsyncDisposable
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private IMqttClient? _client;

        public async Task<IMqttClient> ConnectedAsync(CancellationToken ct)
        {
            if (_client is { IsConnected: true } open) return open;
            await _gate.WaitAsync(ct);
            try
            {
                if (_client is { IsConnected: true } opened) return opened;
                _client?.Dispose();
                _client = null;
                var client = new MqttClientFactory().CreateMqttClient();
                try
                {
                    await MqttConnector.ConnectAsync(client, endpoint, MqttConnector.NewClientId(options.ClientIdPrefix, "check"), options, ct);
                }
                catch
                {
                    client.Dispose();
                    throw;
                }
                return _client = client;
            }
            finally
            {
                _gate.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_client is { } client)
            {
                await MqttProbe.DisconnectQuietlyAsync(client);
                client.Dispose();
            }
            _gate.Dispose();
        }
    }
}

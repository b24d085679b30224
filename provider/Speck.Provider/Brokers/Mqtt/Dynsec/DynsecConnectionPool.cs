using System.Collections.Concurrent;

namespace Speck.Provider.Brokers.Mqtt.Dynsec;

/// <summary>How the pool's admin connections connect, wait and log; the defaults serve the provider.</summary>
public sealed record DynsecOptions
{
    public static DynsecOptions Default { get; } = new();

    public MqttConnectionOptions Connection { get; init; } = MqttConnectionOptions.Default;

    /// <summary>How long to wait for the plugin's answer to one control message.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Receives one line per control message: command names, subjects and outcomes, never payloads.</summary>
    public Action<string>? Log { get; init; }
}

/// <summary>
/// Admin connections keyed by endpoint (host, port, TLS, CA, user and password), so the many resources the
/// provider handles in parallel share one connection per broker login. Thread-safe.
/// </summary>
public sealed class DynsecConnectionPool(DynsecOptions? options = null) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<MqttEndpoint, Lazy<DynsecConnection>> _connections = new();

    public DynsecOptions Options { get; } = options ?? DynsecOptions.Default;

    public int Count => _connections.Count;

    public MosquittoDynsec For(MqttEndpoint endpoint) => new(Get(endpoint));

    /// <summary>Closes and forgets the connection for <paramref name="endpoint"/>, for example after its password changed.</summary>
    public async ValueTask EvictAsync(MqttEndpoint endpoint)
    {
        if (_connections.TryRemove(endpoint, out var lazy) && lazy.IsValueCreated) await lazy.Value.DisposeAsync();
    }

    private DynsecConnection Get(MqttEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return _connections.GetOrAdd(endpoint, ep => new Lazy<DynsecConnection>(() => new DynsecConnection(ep, Options))).Value;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var endpoint in _connections.Keys.ToList()) await EvictAsync(endpoint);
    }
}

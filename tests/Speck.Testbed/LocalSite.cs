using Speck.Testbed.Mosquitto;
using Speck.Testbed.NodeRed;

namespace Speck.Testbed;

/// <summary>One site on loopback: a broker (real Mosquitto, with dynamic security unless asked otherwise) and an engine.</summary>
public sealed class LocalSite(string name, MosquittoBroker broker, IAsyncDisposable engine, string engineKind, string engineUrl) : IAsyncDisposable
{
    public string Name { get; } = name;
    public MosquittoBroker Broker { get; } = broker;
    public string EngineKind { get; } = engineKind;
    public string EngineUrl { get; } = engineUrl;
    public IAsyncDisposable Engine { get; } = engine;

    /// <summary>
    /// A site with a real Mosquitto and a real Node-RED. TODO(flink): offer the Flink stand-in as the engine once
    /// branch wt-flink-standin is merged and the provider has a Flink binder.
    /// </summary>
    public static async Task<LocalSite> StartAsync(string name, bool dynsec = true, CancellationToken ct = default)
    {
        var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Dynsec = dynsec }, ct);
        try
        {
            var engine = await NodeRedEngine.StartAsync(ct);
            return new LocalSite(name, broker, engine, "nodered", engine.Url);
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stack config entries for a program that takes <c>&lt;site&gt;SpeKind</c>, <c>&lt;site&gt;SpeUrl</c>, <c>&lt;site&gt;BrokerUrl</c>, <c>&lt;site&gt;AdminPassword</c>.</summary>
    public IEnumerable<KeyValuePair<string, string>> Config()
    {
        yield return new($"{Name}SpeKind", EngineKind);
        yield return new($"{Name}SpeUrl", EngineUrl);
        yield return new($"{Name}BrokerUrl", Broker.Url);
        yield return new($"{Name}AdminPassword", Broker.AdminPassword ?? "");
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        await Broker.DisposeAsync();
    }
}

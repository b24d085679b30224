using Speck.Testbed.Mosquitto;

namespace Speck.Testbed;

/// <summary>One site on loopback: a broker (real Mosquitto with dynamic security) and an engine.</summary>
public sealed class LocalSite(string name, MosquittoBroker broker, IAsyncDisposable engine, string engineKind, string engineUrl) : IAsyncDisposable
{
    public string Name { get; } = name;
    public MosquittoBroker Broker { get; } = broker;
    public string EngineKind { get; } = engineKind;
    public string EngineUrl { get; } = engineUrl;
    public IAsyncDisposable Engine { get; } = engine;

    /// <summary>Stack config entries for a program that takes <c>&lt;site&gt;SpeUrl</c>, <c>&lt;site&gt;BrokerUrl</c>, <c>&lt;site&gt;AdminPassword</c>.</summary>
    public IEnumerable<KeyValuePair<string, string>> Config()
    {
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

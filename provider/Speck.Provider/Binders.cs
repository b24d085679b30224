using Speck.Provider.Brokers;
using Speck.Provider.Model;
using Speck.Provider.Spe;

namespace Speck.Provider;

/// <summary>The binders of every engine and broker kind, and the provider configuration they work under.</summary>
public sealed class Binders(ConfigSource config, IEnumerable<ISpeBinder> spes, IEnumerable<IBrokerBinder> brokers)
{
    private readonly Dictionary<SpeKind, ISpeBinder> _spes = spes.ToDictionary(b => b.Kind);
    private readonly Dictionary<BrokerKind, IBrokerBinder> _brokers = brokers.ToDictionary(b => b.Kind);

    public ProviderConfig Config => config.Current;
    public SiteDirectory Sites { get; } = new();
    /// <summary>Stream jobs' own logins on MQTT brokers with dynamic security.</summary>
    public IJobCredentials JobLogins { get; } = new Brokers.Mqtt.MqttJobCredentials(config);

    public ISpeBinder Spe(SpeKind kind) => _spes[kind];
    public IBrokerBinder Broker(BrokerKind kind) => _brokers[kind];
}

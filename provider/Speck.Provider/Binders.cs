using Speck.Provider.Brokers;
using Speck.Provider.Credentials;
using Speck.Provider.Model;
using Speck.Provider.Spe;

namespace Speck.Provider;

/// <summary>
/// The binders of every engine and broker kind, and the provider configuration they work under. Every endpoint a
/// binder is handed is completed with the configured <see cref="SiteCredentials"/>: what a resource needs comes from
/// its request (ID, inputs, state) and this configuration, never from what other resources told this process.
/// </summary>
public sealed class Binders(ConfigSource config, IEnumerable<ISpeBinder> spes, IEnumerable<IBrokerBinder> brokers)
{
    private readonly Dictionary<SpeKind, ISpeBinder> _spes = spes.ToDictionary(b => b.Kind, b => (ISpeBinder)new CredentialedSpeBinder(b, () => config.Credentials));
    private readonly Dictionary<BrokerKind, IBrokerBinder> _brokers = brokers.ToDictionary(b => b.Kind, b => (IBrokerBinder)new CredentialedBrokerBinder(b, () => config.Credentials));

    public ProviderConfig Config => config.Current;
    public SiteCredentials Credentials => config.Credentials;

    public ISpeBinder Spe(SpeKind kind) => _spes[kind];
    public IBrokerBinder Broker(BrokerKind kind) => _brokers[kind];
}

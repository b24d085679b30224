using Speck.Testbed.Mosquitto;
using Speck.Testbed.NodeRed;

namespace Speck.Testbed.Fog;

/// <summary>
/// A Mosquitto (dynamic security) and a Node-RED in each site's namespace of a <see cref="FogNetwork"/>, both
/// listening on the namespace's own address. Programs reach them by host name (<c>mqtt://edge1.speck:1883</c>,
/// <c>http://edge1.speck:1880</c>), which each namespace resolves its own way; this process reaches them by address.
/// </summary>
public sealed class FogSites : IAsyncDisposable
{
    public const int BrokerPort = 1883, EnginePort = 1880;
    private readonly List<LocalSite> _sites = [];

    private FogSites(FogNetwork network) => Network = network;

    public FogNetwork Network { get; }
    public IReadOnlyList<LocalSite> Sites => _sites;
    public LocalSite this[string name] => _sites.Single(s => s.Name == name);

    public static async Task<FogSites> StartAsync(FogNetwork network, CancellationToken ct = default)
    {
        var fog = new FogSites(network);
        try
        {
            // One at a time: four Node-REDs loading at once on two cores take longer than one after another.
            foreach (var site in network.Options.Sites) fog._sites.Add(await StartSiteAsync(network, site, ct));
            return fog;
        }
        catch
        {
            await fog.DisposeAsync();
            throw;
        }
    }

    private static async Task<LocalSite> StartSiteAsync(FogNetwork network, string site, CancellationToken ct)
    {
        var (ns, address) = (network.Namespace(site), network.SiteAddress(site));
        var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions
        {
            Dynsec = true, Port = BrokerPort, Host = address, BindAddress = "0.0.0.0", NetworkNamespace = ns,
        }, ct);
        try
        {
            var engine = await NodeRedEngine.StartAsync(new NodeRedEngineOptions
            {
                Port = EnginePort, Host = address, BindAddress = "0.0.0.0", NetworkNamespace = ns,
            }, ct);
            return new LocalSite(site, broker, engine, "nodered", engine.Url);
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>The stack config a program like examples/road-traffic takes, with host names in the URLs.</summary>
    public IEnumerable<KeyValuePair<string, string>> Config() => _sites.SelectMany(s => new KeyValuePair<string, string>[]
    {
        new($"{s.Name}SpeKind", "nodered"),
        new($"{s.Name}SpeUrl", $"http://{FogNetwork.HostName(s.Name)}:{EnginePort}"),
        new($"{s.Name}BrokerUrl", $"mqtt://{FogNetwork.HostName(s.Name)}:{BrokerPort}"),
        new($"{s.Name}AdminPassword", s.Broker.AdminPassword ?? ""),
    });

    public async ValueTask DisposeAsync()
    {
        foreach (var s in _sites) await s.DisposeAsync();
    }
}

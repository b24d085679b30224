using Speck.Testbed.Mosquitto;

namespace Speck.Testbed.NodeRed;

/// <summary>How to start local Node-RED sites.</summary>
public sealed record NodeRedSitesOptions
{
    /// <summary>Brokers with dynamic security (an admin login per broker), as the provider's topics expect.</summary>
    public bool Dynsec { get; init; } = true;

    /// <summary>Give each engine adminAuth with its own static token (see <see cref="NodeRedSites.TokenOf"/>).</summary>
    public bool AdminToken { get; init; }
}

/// <summary>
/// N sites on loopback, each its own Mosquitto and its own Node-RED, all started in parallel (an engine takes about
/// half a second, so four sites start in about the time of one). Disposing stops every process by PID.
/// </summary>
public sealed class NodeRedSites : IAsyncDisposable
{
    private readonly Dictionary<string, NodeRedEngine> _engines;

    private NodeRedSites(IReadOnlyList<LocalSite> sites, Dictionary<string, NodeRedEngine> engines) => (Sites, _engines) = (sites, engines);

    public IReadOnlyList<LocalSite> Sites { get; }

    public LocalSite this[string name] => Sites.Single(s => s.Name == name);

    public NodeRedEngine EngineOf(string name) => _engines[name];

    /// <summary>The static Admin API token of a site's engine, or null without adminAuth.</summary>
    public string? TokenOf(string name) => _engines[name].AdminAuth?.Token;

    /// <summary>Stack config of every site (<see cref="LocalSite.Config"/>), plus <c>&lt;site&gt;SpeToken</c> with adminAuth.</summary>
    public IEnumerable<KeyValuePair<string, string>> Config() => Sites.SelectMany(s => s.Config().Concat(
        TokenOf(s.Name) is { } token ? [new KeyValuePair<string, string>($"{s.Name}SpeToken", token)] : []));

    public static async Task<NodeRedSites> StartAsync(IReadOnlyList<string> names, NodeRedSitesOptions? options = null, CancellationToken ct = default)
    {
        options ??= new NodeRedSitesOptions();
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count) throw new ArgumentException("site names must be unique", nameof(names));
        var starts = names.Select(n => StartSiteAsync(n, options, ct)).ToList();
        try
        {
            await Task.WhenAll(starts);
        }
        catch
        {
            // Stop the sites that did start, so a failed start leaves no process behind.
            foreach (var t in starts.Where(t => t.IsCompletedSuccessfully))
                await t.Result.Site.DisposeAsync();
            throw;
        }

        var started = starts.Select(t => t.Result).ToList();
        return new NodeRedSites(started.Select(s => s.Site).ToList(), started.ToDictionary(s => s.Site.Name, s => s.Engine));
    }

    private static async Task<(LocalSite Site, NodeRedEngine Engine)> StartSiteAsync(string name, NodeRedSitesOptions options, CancellationToken ct)
    {
        var brokerStart = MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Dynsec = options.Dynsec }, ct);
        var engineStart = NodeRedEngine.StartAsync(new NodeRedEngineOptions
        {
            AdminAuth = options.AdminToken ? new NodeRedAdminAuth { Token = "tok-" + Guid.NewGuid().ToString("N") } : null,
        }, ct);
        try
        {
            await Task.WhenAll(brokerStart, engineStart);
        }
        catch
        {
            if (brokerStart.IsCompletedSuccessfully) await brokerStart.Result.DisposeAsync();
            if (engineStart.IsCompletedSuccessfully) await engineStart.Result.DisposeAsync();
            throw;
        }

        var engine = engineStart.Result;
        return (new LocalSite(name, brokerStart.Result, engine, "nodered", engine.Url), engine);
    }

    public async ValueTask DisposeAsync() => await Task.WhenAll(Sites.Select(s => s.DisposeAsync().AsTask()));
}

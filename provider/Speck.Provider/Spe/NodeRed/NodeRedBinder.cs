using Speck.Provider.Model;

namespace Speck.Provider.Spe.NodeRed;

/// <summary>Node-RED as a site's engine.</summary>
public sealed partial class NodeRedBinder(SiteHttp http) : ISpeBinder
{
    public SpeKind Kind => SpeKind.NodeRed;

    public Task<SpeProbe> ProbeAsync(SpeEndpoint endpoint, CancellationToken ct) =>
        SiteHttp.ProbeAsync("Node-RED", endpoint.Url, async () =>
        {
            var settings = await Client(endpoint).GetSettingsAsync(ct);
            var version = settings.Version ?? "unknown";
            return new SpeProbe(version, $"Node-RED {version}");
        });

    public NodeRedClient Client(SpeEndpoint endpoint) =>
        new(http.For(endpoint.Url), endpoint.Token, endpoint.Username, endpoint.Password);
}

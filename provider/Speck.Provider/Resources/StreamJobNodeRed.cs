using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Speck.Host.Resources;
using Speck.Host.Schema;
using Speck.Host.Values;
using Speck.Provider.Brokers;
using Speck.Provider.Model;
using Speck.Provider.Spe;
using Speck.Provider.Spe.NodeRed;

namespace Speck.Provider.Resources;

/// <summary>
/// StreamJob on Node-RED sites: the job's <c>nodeRed</c> processing becomes a flow (<see cref="NodeRedJobFlows"/>)
/// handed to the engine binder as the job's artifact. On brokers where the job has its own login
/// (<see cref="StreamJobLogins"/>) its MQTT nodes connect with it, as Node-RED credentials; elsewhere as the site says.
/// </summary>
internal static class StreamJobNodeRed
{
    public static bool Runs(StreamJobArgs args) => args.Site?.Spe?.Kind == SpeKind.NodeRed;

    /// <summary>Node-RED keeps no savepoints: Node-RED jobs default to `stateless`.</summary>
    public static PropertyMap ApplyDefaults(PropertyMap news)
    {
        if (news.Get("upgradeMode") is not null) return news;
        if (SiteKind(news) == "nodered") return news.With("upgradeMode", PropertyValue.Of("stateless"));
        // An engine kind still unknown in preview may turn out to be Node-RED: the default is unknown too, or `up`
        // would add an input its preview did not show (pulumi `up --plan` refuses that; docs/pulumi-engine.md).
        return SiteKind(news) is null && news.Get("site")?.ContainsUnknowns == true ? news.With("upgradeMode", PropertyValue.Unknown) : news;
    }

    /// <summary>
    /// A Node-RED job is updated in place (its flow replaced, only changed nodes restart) unless it moves, or it was
    /// imported: an adopted flow's node ids derive from another job key, so a deploy would not find it and would add a
    /// second flow beside it; it is stopped (its sessions cleaned) and deployed anew instead.
    /// </summary>
    public static bool UpdatesInPlace(StreamJobState olds, StreamJobArgs news) =>
        Runs(olds) && Runs(news) && olds.NodeRed is not null && olds.AdoptedInputs is not { Count: > 0 }
        && olds.Site.Spe.Url == news.Site.Spe.Url && olds.Site.SiteName == news.Site.SiteName;

    public static bool Same(NodeRedProcessing? a, NodeRedProcessing? b) =>
        a is null || b is null ? a is null && b is null
            : a.Function == b.Function && (a.Nodes is null) == (b.Nodes is null)
              && (a.Nodes is null || JsonNode.DeepEquals(NodeRedJobFlows.ToArray(a.Nodes), NodeRedJobFlows.ToArray(b.Nodes!)));

    private static string? SiteKind(PropertyMap news) =>
        Plain(news.Get("site")) is { Kind: PropertyKind.Object } site && site.AsObject.TryGetValue("spe", out var spe)
        && Plain(spe) is { Kind: PropertyKind.Object } plainSpe && plainSpe.AsObject.TryGetValue("kind", out var kind)
        && Plain(kind) is { Kind: PropertyKind.String } k ? k.AsString : null;

    private static PropertyValue? Plain(PropertyValue? v) => v is { Kind: PropertyKind.Secret } ? Plain(v.SecretValue) : v;
}

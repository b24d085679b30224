using Speck.Host.Resources;
using Speck.Host.Values;
using Speck.Provider.Model;
using Speck.Provider.Spe;

namespace Speck.Provider.Resources;

/// <summary>
/// What a StreamJob's operations need of its sites, shared by the resource and its updates: the engine binder of a
/// site, the job's broker logins, the job's code as an artifact, and freeing jars that no job uses any more.
/// </summary>
internal sealed class StreamJobSites(Binders binders)
{
    public StreamJobLogins Logins { get; } = new(binders);

    /// <summary>
    /// The job's code as its site's engine runs it (<see cref="ISpeBinder.PrepareAsync"/>), with the job's broker
    /// logins where the engine keeps them in the code. Topics without a login of the job's connect with the broker's
    /// credentials, from the provider's <c>credentials</c> when the topic's endpoint has none.
    /// </summary>
    public Task<JobArtifact> ArtifactAsync(StreamJobArgs args, ResourceContext ctx, IReadOnlyList<BrokerLogin> logins, CancellationToken ct) =>
        Binder(args).PrepareAsync(Deployable(args, ctx, logins), ct);

    /// <summary>
    /// The code of the job <paramref name="olds"/> records as deployed, from what the engine sends of it: its old
    /// assets come with their content elided to the recorded <c>artifactSha256</c> (see docs/pulumi-engine.md §Assets).
    /// </summary>
    public Task<JobArtifact> DeployedArtifactAsync(StreamJobState olds, ResourceContext ctx, IReadOnlyList<BrokerLogin> logins, CancellationToken ct) =>
        Binder(olds).PrepareAsync(Deployable(olds, ctx, logins) with { DeployedSha256 = olds.ArtifactSha256 }, ct);

    /// <summary>The job as its engine's binder is told it (<see cref="JobSource"/>).</summary>
    public JobSource Source(StreamJobArgs args, string urn, string name, IReadOnlyList<BrokerLogin> logins) => new()
    {
        Key = urn,
        Name = name,
        Site = args.Site,
        Asset = args.Artifact,
        Path = args.JarPath,
        Processing = args.NodeRed is { } p ? new JobProcessing(p.Function, p.Nodes) : null,
        EntryClass = args.EntryClass,
        SavepointUpgrades = args.UpgradeMode is { } mode ? mode == UpgradeMode.Savepoint : null,
        SavepointOnDelete = args.SavepointOnDelete == true,
        Sources = args.Sources,
        Sink = args.Sink,
        Logins = logins,
    };

    private JobSource Deployable(StreamJobArgs args, ResourceContext ctx, IReadOnlyList<BrokerLogin> logins) =>
        Source(args, ctx.Urn, ctx.Name, logins) with
        {
            Sources = args.Sources?.Select(binders.Credentials.Complete).ToList(),
            Sink = args.Sink is { } sink ? binders.Credentials.Complete(sink) : null,
        };

    /// <summary>
    /// A job is updated in place when its engine does that (replaces the code, only what changed restarts) unless it
    /// moves, or it was imported: an adopted job's ids derive from another job key, so a deploy would not find it and
    /// would add a second job beside it; it is stopped (its sessions cleaned) and deployed anew instead.
    /// </summary>
    public bool UpdatesInPlace(StreamJobState olds, StreamJobArgs news) =>
        olds.Site.Spe.Kind == news.Site.Spe.Kind && Binder(news).Traits.UpdatesInPlace
        && olds.NodeRed is not null && olds.AdoptedInputs is not { Count: > 0 }
        && olds.Site.Spe.Url == news.Site.Spe.Url && olds.Site.SiteName == news.Site.SiteName;

    /// <summary>
    /// An engine that keeps no savepoints makes its jobs `stateless` when <c>upgradeMode</c> is absent. An engine kind
    /// still unknown in preview may turn out to be such: the default is unknown too, or `up` would add an input its
    /// preview did not show (pulumi `up --plan` refuses that; docs/pulumi-engine.md).
    /// </summary>
    public PropertyMap ApplyDefaults(PropertyMap news)
    {
        if (news.Get("upgradeMode") is not null) return news;
        if (SiteKind(news) is { } name)
            return SpeKinds.Named(name) is { } kind && !binders.Spe(kind).Traits.KeepsSavepoints ? news.With("upgradeMode", PropertyValue.Of("stateless")) : news;
        return news.Get("site")?.ContainsUnknowns == true ? news.With("upgradeMode", PropertyValue.Unknown) : news;
    }

    private static string? SiteKind(PropertyMap news) =>
        Plain(news.Get("site")) is { Kind: PropertyKind.Object } site && site.AsObject.TryGetValue("spe", out var spe)
        && Plain(spe) is { Kind: PropertyKind.Object } plainSpe && plainSpe.AsObject.TryGetValue("kind", out var kind)
        && Plain(kind) is { Kind: PropertyKind.String } k ? k.AsString : null;

    private static PropertyValue? Plain(PropertyValue? v) => v is { Kind: PropertyKind.Secret } ? Plain(v.SecretValue) : v;

    public ISpeBinder Binder(StreamJobArgs args) => binders.Spe(args.Site.Spe.Kind);

    /// <summary>Frees jars no live job on the site uses; failing to is only worth a warning.</summary>
    public async Task ReleaseAsync(SiteConnection site, ResourceContext ctx, CancellationToken ct)
    {
        try
        {
            foreach (var name in await binders.Spe(site.Spe.Kind).ReleaseArtifactsAsync(site.Spe, ct))
                await ctx.DebugAsync($"removed jar {name} from site '{site.SiteName}': no job uses it any more");
        }
        catch (ProviderException e)
        {
            await ctx.WarnAsync($"could not remove unused jars from site '{site.SiteName}': {e.Message}");
        }
    }
}

using Speck.Host.Resources;
using Speck.Provider.Model;
using Speck.Provider.Spe;
using Speck.Provider.Spe.Flink;
using Speck.Provider.Spe.NodeRed;

namespace Speck.Provider.Resources;

/// <summary>
/// What a StreamJob's operations need of its sites, shared by the resource and its updates: the engine binder of a
/// site, the job's broker logins, the job's code as an artifact, and freeing jars that no job uses any more.
/// </summary>
internal sealed class StreamJobSites(Binders binders)
{
    public StreamJobLogins Logins { get; } = new(binders);

    /// <summary>
    /// The job's code: its jar on Flink; on Node-RED its flow, which carries the job's broker logins. MQTT nodes
    /// without a login of their own connect with the broker's credentials, from the provider's <c>credentials</c>
    /// when the topic's endpoint has none.
    /// </summary>
    public Task<JobArtifact> ArtifactAsync(StreamJobArgs args, ResourceContext ctx, IReadOnlyList<BrokerLogin> logins, CancellationToken ct) =>
        StreamJobNodeRed.Runs(args)
            ? Task.FromResult(NodeRedJobFlows.Artifact(args with { Sources = [.. args.Sources.Select(binders.Credentials.Complete)], Sink = binders.Credentials.Complete(args.Sink) },
                ctx.Urn, ctx.Name, logins))
            : FlinkJars.LoadAsync(args, ct);

    /// <summary>The code of the job <paramref name="olds"/> records as deployed, from what the engine sends of it (see <see cref="FlinkJars.DeployedAsync"/>).</summary>
    public Task<JobArtifact> DeployedArtifactAsync(StreamJobState olds, ResourceContext ctx, IReadOnlyList<BrokerLogin> logins, CancellationToken ct) =>
        StreamJobNodeRed.Runs(olds) ? ArtifactAsync(olds, ctx, logins, ct) : FlinkJars.DeployedAsync(olds, ct);

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

using Speck.Provider.Model;

namespace Speck.Provider.Spe.NodeRed;

/// <summary>Node-RED as a site's engine.</summary>
public sealed partial class NodeRedBinder(SiteHttp http) : ISpeBinder
{
    public SpeKind Kind => SpeKind.NodeRed;

    /// <summary>Node-RED keeps no savepoints; a redeploy replaces a flow in place, restarting only the nodes that changed.</summary>
    public SpeTraits Traits => new() { KeepsSavepoints = false, UpdatesInPlace = true };

    public IEnumerable<JobProblem> CheckJob(JobCheck check) => NodeRedJobFlows.Problems(check);

    /// <summary>The job's flow, carrying its broker logins (<see cref="NodeRedJobFlows"/>); built anew for a job deployed earlier too.</summary>
    public Task<JobArtifact> PrepareAsync(JobSource job, CancellationToken ct) => Task.FromResult(NodeRedJobFlows.Artifact(job));

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

using Speck.Provider.Brokers;
using Speck.Provider.Model;
using Speck.Provider.Spe;

namespace Speck.Provider.Credentials;

/// <summary>
/// An engine binder that logs in with the provider's <see cref="SiteCredentials"/> wherever the endpoint it is given
/// (from a resource's inputs) leaves them out, e.g. a site imported or read from another stack by URL only.
/// </summary>
internal sealed class CredentialedSpeBinder(ISpeBinder inner, Func<SiteCredentials> credentials) : ISpeBinder
{
    public SpeKind Kind => inner.Kind;
    private SpeEndpoint C(SpeEndpoint e) => credentials().Complete(e);

    public SpeTraits Traits => inner.Traits;
    public Task<SpeProbe> ProbeAsync(SpeEndpoint endpoint, CancellationToken ct) => inner.ProbeAsync(C(endpoint), ct);
    public IEnumerable<JobProblem> CheckJob(JobCheck check) => inner.CheckJob(check);
    public string? CheckJobId(string jobId) => inner.CheckJobId(jobId);
    public Task<JobArtifact> PrepareAsync(JobSource job, CancellationToken ct) => inner.PrepareAsync(job, ct);
    public Task<DeployedJob> DeployAsync(JobDeployment deployment, CancellationToken ct) =>
        inner.DeployAsync(deployment with { Endpoint = C(deployment.Endpoint) }, ct);
    public Task<ObservedJob?> FindAsync(SpeEndpoint endpoint, string jobId, CancellationToken ct) => inner.FindAsync(C(endpoint), jobId, ct);
    public Task<string?> StopAsync(SpeEndpoint endpoint, string jobId, JobStop stop, CancellationToken ct) => inner.StopAsync(C(endpoint), jobId, stop, ct);
    public Task<IReadOnlyList<string>> ReleaseArtifactsAsync(SpeEndpoint endpoint, CancellationToken ct) => inner.ReleaseArtifactsAsync(C(endpoint), ct);
    public Task<LearnedJob?> LearnAsync(SpeEndpoint endpoint, string jobId, CancellationToken ct) => inner.LearnAsync(C(endpoint), jobId, ct);
    public Task<bool> AbandonAsync(SpeEndpoint endpoint, string key, int generation, CancellationToken ct) => inner.AbandonAsync(C(endpoint), key, generation, ct);
    public Task<string> TakeSavepointAsync(SpeEndpoint endpoint, string jobId, string? directory, Speck.Host.Resources.WaitProgress progress, CancellationToken ct) =>
        inner.TakeSavepointAsync(C(endpoint), jobId, directory, progress, ct);
    public Task<RetainedCheckpoint> RetainedCheckpointAsync(SpeEndpoint endpoint, string jobId, CancellationToken ct) => inner.RetainedCheckpointAsync(C(endpoint), jobId, ct);
    public Task<string?> DisposeSavepointAsync(SpeEndpoint endpoint, string path, CancellationToken ct) => inner.DisposeSavepointAsync(C(endpoint), path, ct);
    public Task<bool> RescalesInPlaceAsync(SpeEndpoint endpoint, CancellationToken ct) => inner.RescalesInPlaceAsync(C(endpoint), ct);
    public Task<string?> RescaleInPlaceAsync(SpeEndpoint endpoint, string jobId, int parallelism, CancellationToken ct) =>
        inner.RescaleInPlaceAsync(C(endpoint), jobId, parallelism, ct);
}

/// <summary>A broker binder that fills in the provider's <see cref="SiteCredentials"/> as <see cref="CredentialedSpeBinder"/> does.</summary>
internal sealed class CredentialedBrokerBinder(IBrokerBinder inner, Func<SiteCredentials> credentials) : IBrokerBinder
{
    public BrokerKind Kind => inner.Kind;
    private BrokerEndpoint C(BrokerEndpoint e) => credentials().Complete(e);

    public IJobCredentials? JobCredentials => inner.JobCredentials is { } j ? new CredentialedJobCredentials(j, credentials) : null;
    public string? ValidateUrl(string url) => inner.ValidateUrl(url);
    public string? ValidateTopicName(string name) => inner.ValidateTopicName(name);
    public string? TopicNameWarning(string name) => inner.TopicNameWarning(name);
    public Task<BrokerProbe> ProbeAsync(BrokerEndpoint endpoint, CancellationToken ct) => inner.ProbeAsync(C(endpoint), ct);
    public Task<TopicRecord> CreateTopicAsync(BrokerEndpoint endpoint, TopicRequest request, CancellationToken ct) => inner.CreateTopicAsync(C(endpoint), request, ct);
    public Task<TopicRecord> UpdateTopicAsync(BrokerEndpoint endpoint, TopicRecord recorded, TopicRequest request, CancellationToken ct) =>
        inner.UpdateTopicAsync(C(endpoint), recorded, request, ct);
    public Task<TopicRecord?> ReadTopicAsync(BrokerEndpoint endpoint, TopicRecord recorded, CancellationToken ct) => inner.ReadTopicAsync(C(endpoint), recorded, ct);
    public Task<IReadOnlyList<string>> DeleteTopicAsync(BrokerEndpoint endpoint, TopicRecord recorded, CancellationToken ct) => inner.DeleteTopicAsync(C(endpoint), recorded, ct);

    private sealed class CredentialedJobCredentials(IJobCredentials inner, Func<SiteCredentials> credentials) : IJobCredentials
    {
        public Task<JobAccessRecord> GrantAsync(BrokerEndpoint broker, JobAccess access, string password, CancellationToken ct) =>
            inner.GrantAsync(credentials().Complete(broker), access, password, ct);
        public Task<JobAccessRecord?> ReadAsync(BrokerEndpoint broker, JobAccess access, string password, CancellationToken ct) =>
            inner.ReadAsync(credentials().Complete(broker), access, password, ct);
        public Task RevokeAsync(BrokerEndpoint broker, JobAccess access, CancellationToken ct) => inner.RevokeAsync(credentials().Complete(broker), access, ct);
    }
}

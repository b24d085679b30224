using Speck.Host.Resources;
using Speck.Provider.Model;

namespace Speck.Provider.Spe;

/// <summary>What a site's engine told us about itself.</summary>
public sealed record SpeProbe(string Version, string Summary);

/// <summary>
/// One stream processing engine behind the resources. Each engine kind has one binder. The job operations are the
/// same for every engine (a Flink jar and a Node-RED flow are both a <see cref="JobArtifact"/>); what an engine
/// cannot do (savepoints on Node-RED) it refuses with a clear <see cref="ProviderException"/>.
/// </summary>
public interface ISpeBinder
{
    SpeKind Kind { get; }

    /// <summary>What the engine can do, for a job's defaults and updates.</summary>
    SpeTraits Traits => new() { KeepsSavepoints = true, UpdatesInPlace = false };

    /// <summary>Asks the engine who it is. Throws <see cref="EndpointUnreachableException"/> with a readable reason.</summary>
    Task<SpeProbe> ProbeAsync(SpeEndpoint endpoint, CancellationToken ct);

    /// <summary>
    /// Check failures of a job's description on this engine: its code in the form the engine runs it (a jar, or
    /// processing given inline) and what the engine cannot do. Reads no site.
    /// </summary>
    IEnumerable<JobProblem> CheckJob(JobCheck check) => [];

    /// <summary>
    /// The job's code as this engine runs it: read and validated (a jar's content, a flow's wiring), with what the
    /// engine keeps in the code itself (a flow's broker logins). Reads no site, so it can run before anything of the
    /// job is created; code the engine cannot run is a <see cref="ProviderException"/>.
    /// </summary>
    Task<JobArtifact> PrepareAsync(JobSource job, CancellationToken ct) => throw NotSupported();

    /// <summary>
    /// Starts a job, or finds the one an interrupted earlier call with the same key and generation started: never two.
    /// Generations the engine has seen end before are skipped (the result says which one was used). Waits up to
    /// <see cref="JobDeployment.ReadyTimeout"/> for the job to run; an unhealthy job is returned, not thrown.
    /// </summary>
    Task<DeployedJob> DeployAsync(JobDeployment deployment, CancellationToken ct) => throw NotSupported();

    /// <summary>The job as the engine sees it now, or null when the engine does not know it.</summary>
    Task<ObservedJob?> FindAsync(SpeEndpoint endpoint, string jobId, CancellationToken ct) => throw NotSupported();

    /// <summary>
    /// Stops a job and waits until it has ended; with a savepoint, returns where it was written. A job already ended or
    /// unknown is not an error (null comes back: there is no new savepoint).
    /// </summary>
    Task<string?> StopAsync(SpeEndpoint endpoint, string jobId, JobStop stop, CancellationToken ct) => throw NotSupported();

    /// <summary>Why <paramref name="jobId"/> cannot name a job on this engine (for an import ID), or null when it can.</summary>
    string? CheckJobId(string jobId) => jobId.Length == 0 ? "the job ID is empty" : null;

    /// <summary>
    /// What the engine shows of a job's inputs, for an import; null when it shows nothing beyond
    /// <see cref="FindAsync"/> (Flink reports no jar, entry class or program arguments).
    /// </summary>
    Task<LearnedJob?> LearnAsync(SpeEndpoint endpoint, string jobId, CancellationToken ct) => Task.FromResult<LearnedJob?>(null);

    /// <summary>
    /// Makes sure no job of a deployment that threw (key <paramref name="key"/>, attempts numbered from
    /// <paramref name="generation"/> as <see cref="DeployAsync"/> numbers them) runs, cancelling any it finds, so
    /// that the previous version can be started again without two versions running. False when the engine cannot
    /// tell (then nothing may be started in its place).
    /// </summary>
    Task<bool> AbandonAsync(SpeEndpoint endpoint, string key, int generation, CancellationToken ct) => Task.FromResult(false);

    /// <summary>Takes a savepoint of a running job without stopping it; returns where it was written.</summary>
    Task<string> TakeSavepointAsync(SpeEndpoint endpoint, string jobId, string? directory, WaitProgress progress, CancellationToken ct) =>
        throw ProviderException.Precondition($"{Kind} keeps no savepoints");

    /// <summary>
    /// The checkpoint a cancelled job can be resumed from (a <c>last-state</c> restart), or why there is none: the job
    /// keeps no periodic checkpoints, they do not outlive a cancel, or none has completed yet. Reads, changes nothing.
    /// </summary>
    Task<RetainedCheckpoint> RetainedCheckpointAsync(SpeEndpoint endpoint, string jobId, CancellationToken ct) =>
        Task.FromResult(new RetainedCheckpoint(null, $"{Kind} keeps no checkpoints"));

    /// <summary>Disposes of a savepoint through the engine; returns null when done, else why not (the savepoint stays).</summary>
    Task<string?> DisposeSavepointAsync(SpeEndpoint endpoint, string path, CancellationToken ct) =>
        Task.FromResult<string?>($"{Kind} keeps no savepoints");

    /// <summary>Whether the engine changes a running job's parallelism without a restart (as the site says of itself).</summary>
    Task<bool> RescalesInPlaceAsync(SpeEndpoint endpoint, CancellationToken ct) => Task.FromResult(false);

    /// <summary>
    /// Changes a running job's parallelism in place; null when done, else why not (nothing changed: the caller
    /// restarts the job instead).
    /// </summary>
    Task<string?> RescaleInPlaceAsync(SpeEndpoint endpoint, string jobId, int parallelism, CancellationToken ct) =>
        Task.FromResult<string?>($"{Kind} does not change a job's parallelism in place");

    /// <summary>Removes the artifacts this provider uploaded that no live job on the site uses; returns their names.</summary>
    Task<IReadOnlyList<string>> ReleaseArtifactsAsync(SpeEndpoint endpoint, CancellationToken ct) => Task.FromResult<IReadOnlyList<string>>([]);

    private ProviderException NotSupported() => ProviderException.Precondition($"the {Kind} binder does not run stream jobs yet");
}

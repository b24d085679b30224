using System.Collections.Concurrent;
using System.Net;
using Speck.Host.Resources;
using Speck.Provider.Model;

namespace Speck.Provider.Spe.Flink;

/// <summary>
/// What a Flink job's state handling needs beyond deploy and stop: savepoints on demand, the retained checkpoint a
/// <c>last-state</c> restart resumes from, savepoint disposal, and in-place rescaling under the adaptive scheduler
/// (docs/flink-rest.md §Checkpoints a restart can resume from, §A savepoint without stopping, §Changing parallelism in place).
/// </summary>
public sealed partial class FlinkBinder
{
    /// <summary>Flink's NonPersistentMetadataCheckpointStorageLocation.EXTERNAL_POINTER: a checkpoint kept in JobManager memory.</summary>
    private const string NotAddressable = "<checkpoint-not-externally-addressable>";

    // Whether a site runs the adaptive scheduler, per site for this process's life: cluster configuration, fixed while it runs.
    private readonly ConcurrentDictionary<string, bool> _adaptive = new(StringComparer.Ordinal);

    public Task<string> TakeSavepointAsync(SpeEndpoint endpoint, string jobId, string? directory, WaitProgress progress, CancellationToken ct) => Guard(endpoint, async () =>
    {
        var client = Client(endpoint);
        string trigger;
        try
        {
            trigger = await client.TriggerSavepointAsync(jobId, new FlinkSavepointRequest { TargetDirectory = directory, CancelJob = false }, ct);
        }
        catch (FlinkRestException e) when (e.Status == HttpStatusCode.BadRequest && e.Mentions("is not set"))
        {
            throw ProviderException.Precondition($"Flink at {endpoint.Url} has no default savepoint directory: set `savepointDirectory` ({e.Summary})");
        }
        using (progress.Begin($"the savepoint of Flink job {jobId}"))
        {
            try { return await client.AwaitSavepointAsync(jobId, trigger, ct, MaxPolls); }
            catch (FlinkSavepointFailedException e) { throw ProviderException.Aborted($"{e.Message}; the job keeps running"); }
        }
    });

    public Task<RetainedCheckpoint> RetainedCheckpointAsync(SpeEndpoint endpoint, string jobId, CancellationToken ct) => Guard(endpoint, async () =>
    {
        var client = Client(endpoint);
        FlinkCheckpointConfig config;
        try { config = await client.GetCheckpointConfigAsync(jobId, ct); }
        catch (FlinkRestException e) when (e.Status == HttpStatusCode.NotFound)
        {
            return new RetainedCheckpoint(null, $"Flink job {jobId} has no checkpointing ({e.Summary})");
        }
        if (config.Interval == long.MaxValue)
            return new RetainedCheckpoint(null, $"Flink job {jobId} takes no periodic checkpoints (set `execution.checkpointing.interval` in `flinkConfiguration`)");
        if (config.Externalization is not { Enabled: true, DeleteOnCancellation: false })
            return new RetainedCheckpoint(null, $"Flink job {jobId}'s checkpoints do not outlive a cancel (set `execution.checkpointing.externalized-checkpoint-retention: RETAIN_ON_CANCELLATION` in `flinkConfiguration`)");
        var latest = (await client.GetCheckpointsAsync(jobId, ct)).Latest?.Completed;
        if (latest is null) return new RetainedCheckpoint(null, $"Flink job {jobId} has completed no checkpoint yet");
        if (latest.ExternalPath is not { Length: > 0 } path || path == NotAddressable)
            return new RetainedCheckpoint(null, $"Flink job {jobId} keeps its checkpoints in the JobManager's memory (set `execution.checkpointing.dir`)");
        return new RetainedCheckpoint(path, null);
    });

    public Task<string?> DisposeSavepointAsync(SpeEndpoint endpoint, string path, CancellationToken ct) => Guard(endpoint, async () =>
    {
        var client = Client(endpoint);
        var trigger = await client.DisposeSavepointAsync(path, ct);
        var pauses = PollPauses.ForFlink();
        for (var i = 0; i < MaxPolls; i++)
        {
            var result = await client.GetDisposalStatusAsync(trigger, ct);
            if (result.Status.Id == "COMPLETED")
                return result.Operation?.FailureCause is { } cause ? FlinkRestException.Summarize(cause.StackTrace ?? cause.Class ?? "unknown cause") : null;
            await Task.Delay(pauses.Next(), ct);
        }
        return $"the disposal of {path} was still in progress after {MaxPolls} polls";
    });

    public async Task<bool> RescalesInPlaceAsync(SpeEndpoint endpoint, CancellationToken ct)
    {
        try
        {
            return await Guard(endpoint, async () =>
            {
                var client = Client(endpoint);
                return await ProbeSchedulerAsync(client, endpoint.Url, await ConfigAsync(client, endpoint.Url, ct), ct);
            });
        }
        catch (ProviderException) { return false; }
    }

    /// <summary>
    /// The operator's in-place scaling (NativeFlinkService.scale): each vertex's upper bound becomes the target, its
    /// lower bound is lowered only when above it (raising it could fail the job when slots are short). Any failure
    /// leaves the job as it was and says why, so the caller restarts it instead. Does not wait for the rescale.
    /// </summary>
    public async Task<string?> RescaleInPlaceAsync(SpeEndpoint endpoint, string jobId, int parallelism, CancellationToken ct)
    {
        if (!await RescalesInPlaceAsync(endpoint, ct)) return $"Flink at {endpoint.Url} does not run the adaptive scheduler";
        try
        {
            var client = Client(endpoint);
            if (await client.GetJobAsync(jobId, ct) is not { State: JobStates.Running }) return $"Flink job {jobId} is not RUNNING";
            var current = await client.GetResourceRequirementsAsync(jobId, ct);
            var wanted = current.ToDictionary(v => v.Key, v => new FlinkVertexRequirements
            {
                Parallelism = new FlinkParallelismBounds { UpperBound = parallelism, LowerBound = Math.Min(parallelism, v.Value.Parallelism.LowerBound) },
            });
            if (wanted.All(v => current[v.Key].Parallelism == v.Value.Parallelism)) return null;
            await client.PutResourceRequirementsAsync(jobId, wanted, ct);
            return null;
        }
        catch (Exception e) when (e is FlinkRestException or HttpRequestException or System.Text.Json.JsonException)
        {
            return $"Flink at {endpoint.Url} did not change the parallelism in place: {e.Message}";
        }
    }

    /// <summary>
    /// <c>jobmanager.scheduler</c> from <c>GET /jobmanager/config</c>: <c>adaptive</c> (any case) on Flink 1.18+ changes
    /// a job's parallelism in place; absent means the default scheduler. Unreadable counts as no.
    /// </summary>
    private async Task<bool> ProbeSchedulerAsync(FlinkClient client, string siteUrl, FlinkConfig config, CancellationToken ct)
    {
        if (_adaptive.TryGetValue(SiteKey(siteUrl), out var known)) return known;
        bool adaptive;
        try
        {
            var entries = await client.GetJobManagerConfigAsync(ct);
            adaptive = FlinkStates.AtLeast(config.FlinkVersion, 1, 18)
                       && string.Equals(entries.FirstOrDefault(e => e.Key == "jobmanager.scheduler")?.Value?.Trim(), "adaptive", StringComparison.OrdinalIgnoreCase);
        }
        catch (FlinkRestException) { adaptive = false; }
        _adaptive[SiteKey(siteUrl)] = adaptive;
        return adaptive;
    }
}

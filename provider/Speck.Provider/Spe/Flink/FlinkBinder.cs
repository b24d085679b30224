using System.Collections.Concurrent;
using System.Net;
using Speck.Host.Resources;
using Speck.Provider.Model;

namespace Speck.Provider.Spe.Flink;

/// <summary>
/// Apache Flink (a session cluster's JobManager REST API) as a site's engine. Jars are kept once per content and
/// site; job IDs are derived from the resource and generation (<see cref="FlinkJobIds"/>), so a retried deployment
/// finds the job it started instead of starting a second.
/// </summary>
public sealed partial class FlinkBinder(SiteHttp http) : ISpeBinder
{
    private const int MaxSkippedGenerations = 50;
    private const int MaxPolls = 2000;

    // Jobs of one jar deployed together on one site share one lookup and upload instead of each uploading its own copy.
    private readonly ConcurrentDictionary<string, Task<string>> _jarsInFlight = new(StringComparer.Ordinal);

    // GET /config per site, for this provider process's life (one preview or update). It is the JobManager's
    // configuration (version, web submission), fixed while the cluster runs, so the jobs of a site need not each ask
    // again: on a site across the WAN that is a round trip per deployment. Only answers are kept, never failures; a
    // site probe always asks anew. A cluster restarted mid-operation with jar submission turned off still refuses
    // the run request (its /jars routes are gone), a clean error.
    private readonly ConcurrentDictionary<string, FlinkConfig> _configs = new(StringComparer.Ordinal);

    public SpeKind Kind => SpeKind.Flink;

    public SpeTraits Traits => new() { KeepsSavepoints = true, UpdatesInPlace = false };

    public string? CheckJobId(string jobId) =>
        jobId.Length == 32 && jobId.All(char.IsAsciiHexDigit) ? null : $"'{jobId}' is not a Flink job ID (32 hex digits)";

    public IEnumerable<JobProblem> CheckJob(JobCheck check) => FlinkJars.Problems(check);

    /// <summary>The job's jar, read to its sha256 (uploaded by <see cref="DeployAsync"/>); a deployed job's may be on the site only.</summary>
    public Task<JobArtifact> PrepareAsync(JobSource job, CancellationToken ct) =>
        job.DeployedSha256 is { } sha ? FlinkJars.DeployedAsync(job, sha, ct) : FlinkJars.LoadAsync(job, ct);

    public FlinkClient Client(SpeEndpoint endpoint) =>
        new(http.For(endpoint.Url), endpoint.Token, endpoint.Username, endpoint.Password);

    public Task<SpeProbe> ProbeAsync(SpeEndpoint endpoint, CancellationToken ct) =>
        SiteHttp.ProbeAsync("Flink", endpoint.Url, async () =>
        {
            try
            {
                var config = await Client(endpoint).GetConfigAsync(ct);
                _configs[SiteKey(endpoint.Url)] = config;
                var version = config.FlinkVersion ?? "unknown";
                var submit = config.Features?.WebSubmit == false ? ", jar submission disabled (web.submit.enable=false)" : "";
                _adaptive.TryRemove(SiteKey(endpoint.Url), out _); // a probe asks anew
                var inPlace = await ProbeSchedulerAsync(Client(endpoint), endpoint.Url, config, ct) ? ", adaptive scheduler (parallelism changes in place)" : "";
                return new SpeProbe(version, $"Flink {version}{submit}{inPlace}");
            }
            catch (FlinkRestException e)
            {
                throw new EndpointUnreachableException($"Flink at {endpoint.Url}: {e.Message}", e);
            }
        });

    public Task<DeployedJob> DeployAsync(JobDeployment d, CancellationToken ct) => Guard(d.Endpoint, async () =>
    {
        var client = Client(d.Endpoint);
        var config = await ConfigAsync(client, d.Endpoint.Url, ct);
        if (config.Features?.WebSubmit == false)
            throw ProviderException.Precondition($"Flink at {d.Endpoint.Url} does not accept jars (web.submit.enable=false)");
        var jobs = (await client.ListJobsAsync(ct)).Jobs;
        string? jarId = null;
        var reuploaded = false;
        for (var gen = d.Generation; gen < d.Generation + MaxSkippedGenerations; gen++)
        {
            var attempt = FlinkJobIds.AttemptTag(d.Key, gen);
            if (jobs.FirstOrDefault(j => j.Jid.EndsWith(attempt, StringComparison.Ordinal)) is { } seen)
            {
                if (!FlinkStates.IsGloballyTerminal(seen.State))
                    return await AwaitReadyAsync(client, d, seen.Jid, gen, await FindJarAsync(client, d.Artifact, ct), ct);
                continue; // this generation ended before: Flink never takes its ID again
            }
            jarId ??= await EnsureJarAsync(client, d.Endpoint.Url, d.Artifact, ct);
            var jobId = FlinkJobIds.JobId(d.Artifact.Sha256, d.Key, gen);
            var run = Run(config, jobId, d);
            while (true)
            {
                try
                {
                    await client.RunJarAsync(jarId, run, ct);
                    return await AwaitReadyAsync(client, d, jobId, gen, jarId, ct);
                }
                catch (FlinkRestException e) when (!reuploaded && e.Mentions("Jar file") && e.Mentions("does not exist"))
                {
                    // Another resource released the jar between our lookup and run: upload it again, once.
                    jarId = await UploadAsync(client, d.Endpoint.Url, d.Artifact, ct);
                    reuploaded = true;
                }
                catch (FlinkRestException e) when (e.Mentions("DuplicateJobSubmissionException"))
                {
                    if (await client.GetJobAsync(jobId, ct) is { } dup && !FlinkStates.IsGloballyTerminal(dup.State))
                        return await AwaitReadyAsync(client, d, jobId, gen, jarId, ct);
                    break; // burned by an earlier life of this resource whose record expired: next generation
                }
                catch (FlinkRestException e) when (e.Status is HttpStatusCode.BadRequest or HttpStatusCode.InternalServerError)
                {
                    // A restore or initialization failure leaves a FAILED job behind; a program that never submitted does not.
                    if (await client.GetJobAsync(jobId, ct) is { } failed)
                        return new DeployedJob(jobId, gen, failed.State, jarId, failed.StartTime, e.Summary);
                    throw ProviderException.Precondition($"Flink at {d.Endpoint.Url} did not start the job: {e.Summary}");
                }
            }
        }
        throw ProviderException.Precondition($"Flink at {d.Endpoint.Url} has seen job IDs of generations {d.Generation}..{d.Generation + MaxSkippedGenerations - 1} of this job end before");
    });

    public Task<ObservedJob?> FindAsync(SpeEndpoint endpoint, string jobId, CancellationToken ct) => Guard(endpoint, async () =>
    {
        var client = Client(endpoint);
        if (await client.GetJobAsync(jobId, ct) is not { } job) return null;
        var parallelism = job.Vertices is { Count: > 0 } v ? v.Max(x => x.Parallelism) : (int?)null;
        var problem = job.State == JobStates.Failed ? await FailureAsync(client, jobId, ct)
            : job.State == JobStates.Running && !TasksRunning(job) ? "its tasks wait for task slots" : null;
        return new ObservedJob(job.Jid, job.State, job.StartTime > 0 ? job.StartTime : null, parallelism, problem);
    });

    public Task<string?> StopAsync(SpeEndpoint endpoint, string jobId, JobStop stop, CancellationToken ct) => Guard(endpoint, async () =>
    {
        var client = Client(endpoint);
        var job = await client.GetJobAsync(jobId, ct);
        if (job is null) return null;
        var trigger = FlinkJobIds.TriggerId(jobId, "stop");
        if (FlinkStates.IsGloballyTerminal(job.State))
            return stop.WithSavepoint && job.State == JobStates.Finished ? await EarlierStopSavepointAsync(client, jobId, trigger, ct) : null;
        if (!stop.WithSavepoint)
        {
            await client.CancelAsync(jobId, ct);
            using (stop.Progress.Begin($"Flink job {jobId} to end"))
                await AwaitEndAsync(client, jobId, ct);
            return null;
        }
        if (job.State != JobStates.Running)
            throw ProviderException.Precondition($"Flink job {jobId} is {job.State}: a savepoint needs a RUNNING job");
        try
        {
            await client.StopWithSavepointAsync(jobId, new FlinkStopRequest { TargetDirectory = stop.SavepointDirectory, Drain = stop.Drain, TriggerId = trigger }, ct);
        }
        catch (FlinkRestException e) when (e.Status == HttpStatusCode.BadRequest && e.Mentions("is not set"))
        {
            throw ProviderException.Precondition($"Flink at {endpoint.Url} has no default savepoint directory: set `savepointDirectory` ({e.Summary})");
        }
        string location;
        using (stop.Progress.Begin($"the savepoint of Flink job {jobId}"))
        {
            try { location = await client.AwaitSavepointAsync(jobId, trigger, ct, MaxPolls); }
            catch (FlinkSavepointFailedException e)
            {
                throw ProviderException.Aborted($"{e.Message}; the job keeps running");
            }
        }
        using (stop.Progress.Begin($"Flink job {jobId} to end after its savepoint"))
            await AwaitEndAsync(client, jobId, ct);
        return location;
    });

    public Task<bool> AbandonAsync(SpeEndpoint endpoint, string key, int generation, CancellationToken ct) => Guard(endpoint, async () =>
    {
        var client = Client(endpoint);
        var attempts = Enumerable.Range(generation, MaxSkippedGenerations).Select(g => FlinkJobIds.AttemptTag(key, g)).ToHashSet();
        foreach (var job in (await client.ListJobsAsync(ct)).Jobs)
            if (job.Jid.Length == 32 && attempts.Contains(job.Jid[8..]) && !FlinkStates.IsGloballyTerminal(job.State))
            {
                await client.CancelAsync(job.Jid, ct);
                await AwaitEndAsync(client, job.Jid, ct);
            }
        return true;
    });

    public Task<IReadOnlyList<string>> ReleaseArtifactsAsync(SpeEndpoint endpoint, CancellationToken ct) => Guard(endpoint, async () =>
    {
        var client = Client(endpoint);
        var config = await ConfigAsync(client, endpoint.Url, ct);
        if (config.Features?.WebSubmit == false) return (IReadOnlyList<string>)[];
        var jars = (await client.ListJarsAsync(ct)).Files;
        var used = (await client.ListJobsAsync(ct)).Jobs.Where(j => !FlinkStates.IsGloballyTerminal(j.State)).Select(j => j.Jid[..8]).ToHashSet();
        var released = new List<string>();
        foreach (var jar in jars)
        {
            if (FlinkJobIds.ManagedJarSha16(jar.Name) is not { } sha16 || used.Contains(sha16[..8])) continue;
            if (await client.DeleteJarAsync(jar.Id, ct)) released.Add(jar.Name);
        }
        return (IReadOnlyList<string>)released;
    });

    private async Task<FlinkConfig> ConfigAsync(FlinkClient client, string siteUrl, CancellationToken ct)
    {
        if (_configs.TryGetValue(SiteKey(siteUrl), out var known)) return known;
        var config = await client.GetConfigAsync(ct);
        _configs[SiteKey(siteUrl)] = config;
        return config;
    }

    private static string SiteKey(string siteUrl) => siteUrl.TrimEnd('/');

    private static FlinkJarRunRequest Run(FlinkConfig config, string jobId, JobDeployment d) => new()
    {
        EntryClass = d.EntryClass,
        ProgramArgsList = [.. d.Arguments],
        Parallelism = d.Parallelism,
        JobId = jobId,
        AllowNonRestoredState = d.RestoreFrom is null ? null : d.AllowNonRestoredState,
        SavepointPath = d.RestoreFrom,
        // 1.20 renamed restoreMode to claimMode; NO_CLAIM leaves the savepoint to its owner (it may be restored again).
        ClaimMode = d.RestoreFrom is not null && FlinkStates.AtLeast(config.FlinkVersion, 1, 20) ? "NO_CLAIM" : null,
        RestoreMode = d.RestoreFrom is not null && !FlinkStates.AtLeast(config.FlinkVersion, 1, 20) ? "NO_CLAIM" : null,
        FlinkConfiguration = d.EngineConfiguration is { Count: > 0 } conf ? new Dictionary<string, string>(conf) : null,
    };

    /// <summary>
    /// The site's copy of the jar: found, or uploaded once however many deployments ask at the same time. A caller whose
    /// shared lookup failed (another caller's cancellation, say) tries on its own.
    /// </summary>
    private async Task<string> EnsureJarAsync(FlinkClient client, string siteUrl, JobArtifact artifact, CancellationToken ct)
    {
        var key = SiteKey(siteUrl) + "|" + artifact.Sha256;
        var mine = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var shared = _jarsInFlight.GetOrAdd(key, mine.Task);
        if (shared != mine.Task)
        {
            try { return await shared.WaitAsync(ct); }
            catch (Exception) when (!ct.IsCancellationRequested) { return await FindOrUploadJarAsync(client, siteUrl, artifact, ct); }
        }
        try
        {
            var jarId = await FindOrUploadJarAsync(client, siteUrl, artifact, ct);
            mine.SetResult(jarId);
            return jarId;
        }
        catch (Exception e)
        {
            mine.SetException(e);
            _ = mine.Task.Exception; // observed here; waiting callers retry on their own
            throw;
        }
        finally
        {
            _jarsInFlight.TryRemove(KeyValuePair.Create(key, mine.Task));
        }
    }

    private static async Task<string> FindOrUploadJarAsync(FlinkClient client, string siteUrl, JobArtifact artifact, CancellationToken ct) =>
        await FindJarAsync(client, artifact, ct) ?? await UploadAsync(client, siteUrl, artifact, ct);

    private static async Task<string?> FindJarAsync(FlinkClient client, JobArtifact artifact, CancellationToken ct)
    {
        var prefix = FlinkJobIds.JarPrefix + artifact.Sha256[..16].ToLowerInvariant() + "-";
        var jars = await client.ListJarsAsync(ct);
        return jars.Files.Where(f => f.Name.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(f => f.Uploaded).FirstOrDefault()?.Id;
    }

    private static async Task<string> UploadAsync(FlinkClient client, string siteUrl, JobArtifact artifact, CancellationToken ct)
    {
        if (artifact.OnSiteOnly)
            throw ProviderException.Precondition($"Flink at {siteUrl} no longer has the jar with sha256 {artifact.Sha256} (removed from the site), " +
                "and the provider has no copy of it: the engine sends a deployed job's old asset as its hash alone");
        await using var content = await artifact.OpenAsync(ct);
        return (await client.UploadJarAsync(FlinkJobIds.JarName(artifact.Sha256, artifact.FileName), content, ct)).JarId;
    }

    /// <summary>Waits until the job runs (and keeps running for the stabilization time), ends, or the ready timeout passes.</summary>
    private static async Task<DeployedJob> AwaitReadyAsync(FlinkClient client, JobDeployment d, string jobId, int gen, string? jarId, CancellationToken ct)
    {
        using var ready = CancellationTokenSource.CreateLinkedTokenSource(ct);
        ready.CancelAfter(d.ReadyTimeout);
        using var status = d.Progress.Begin($"Flink job {jobId} to run its tasks");
        FlinkJobDetails? job = null;
        DateTimeOffset? runningSince = null;
        var pauses = PollPauses.ForFlink();
        try
        {
            for (var i = 0; i < MaxPolls; i++)
            {
                job = await client.GetJobAsync(jobId, ready.Token);
                if (job is null) return new DeployedJob(jobId, gen, JobStates.Missing, jarId, null, "Flink no longer knows the job");
                if (FlinkStates.IsGloballyTerminal(job.State))
                    return new DeployedJob(jobId, gen, job.State, jarId, job.StartTime, await FailureAsync(client, jobId, ct) ?? $"job ended {job.State}");
                if (job.State == JobStates.Running && TasksRunning(job))
                {
                    runningSince ??= DateTimeOffset.UtcNow;
                    if (DateTimeOffset.UtcNow - runningSince >= d.Stabilization) return new DeployedJob(jobId, gen, job.State, jarId, job.StartTime, null);
                }
                else runningSince = null;
                await Task.Delay(pauses.Next(), ready.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
        return new DeployedJob(jobId, gen, job?.State ?? "UNKNOWN", jarId, job?.StartTime,
            job is not null && job.State == JobStates.Running
                ? $"not running within {d.ReadyTimeout.TotalSeconds:0.#}s: its tasks wait for task slots"
                : $"not RUNNING within {d.ReadyTimeout.TotalSeconds:0.#}s (state {job?.State ?? "unknown"})");
    }

    /// <summary>Flink calls a job RUNNING as soon as it is scheduled; it works once every vertex's tasks run.</summary>
    private static bool TasksRunning(FlinkJobDetails job) =>
        job.Vertices is not { Count: > 0 } vertices || vertices.All(v => v.Status is null or "RUNNING" or "FINISHED");

    private static async Task AwaitEndAsync(FlinkClient client, string jobId, CancellationToken ct)
    {
        var pauses = PollPauses.ForFlink();
        for (var i = 0; i < MaxPolls; i++)
        {
            var job = await client.GetJobAsync(jobId, ct);
            if (job is null || FlinkStates.IsGloballyTerminal(job.State)) return;
            await Task.Delay(pauses.Next(), ct);
        }
        throw new TimeoutException($"Flink job {jobId} did not end after {MaxPolls} polls");
    }

    /// <summary>A job our earlier, interrupted stop finished: its savepoint is still at the same trigger for a while.</summary>
    private static async Task<string?> EarlierStopSavepointAsync(FlinkClient client, string jobId, string trigger, CancellationToken ct)
    {
        try { return await client.AwaitSavepointAsync(jobId, trigger, ct, MaxPolls); }
        catch (FlinkRestException e) when (e.Status == HttpStatusCode.NotFound) { return null; }
        catch (FlinkSavepointFailedException) { return null; }
    }

    private static async Task<string?> FailureAsync(FlinkClient client, string jobId, CancellationToken ct)
    {
        try
        {
            var entry = (await client.GetExceptionsAsync(jobId, ct)).ExceptionHistory?.Entries.FirstOrDefault();
            if (entry is null) return null;
            var detail = entry.Stacktrace is null ? null : FlinkRestException.Summarize(entry.Stacktrace);
            return detail ?? entry.ExceptionName;
        }
        catch (FlinkRestException) { return null; }
    }

    /// <summary>Network and REST failures as clean provider errors naming the site.</summary>
    private static async Task<T> Guard<T>(SpeEndpoint endpoint, Func<Task<T>> op)
    {
        try { return await op(); }
        catch (HttpRequestException e) { throw ProviderException.Unavailable($"Flink at {endpoint.Url} is unreachable: {e.Message}", e); }
        catch (FlinkRestException e) when ((int)e.Status >= 500) { throw ProviderException.Unavailable($"Flink at {endpoint.Url}: {e.Message}", e); }
        catch (FlinkRestException e) { throw ProviderException.Precondition($"Flink at {endpoint.Url}: {e.Message}"); }
        catch (TimeoutException e) { throw ProviderException.Unavailable($"Flink at {endpoint.Url}: {e.Message}", e); }
    }
}

internal static class FlinkStates
{
    public static bool IsGloballyTerminal(string state) => state is JobStates.Failed or JobStates.Canceled or JobStates.Finished;

    public static bool AtLeast(string? version, int major, int minor)
    {
        var parts = (version ?? "").Split('.', '-');
        var ma = parts.Length > 0 && int.TryParse(parts[0], out var a) ? a : 0;
        var mi = parts.Length > 1 && int.TryParse(parts[1], out var b) ? b : 0;
        return ma > major || (ma == major && mi >= minor);
    }
}

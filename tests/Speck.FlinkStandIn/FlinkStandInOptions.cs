namespace Speck.FlinkStandIn;

/// <summary>
/// How the stand-in cluster looks and how fast it moves. Defaults mirror a Flink 1.20 session cluster with one
/// TaskManager; the delays are short so tests observe every state without waiting long.
/// </summary>
public sealed record FlinkStandInOptions
{
    public string Host { get; init; } = "127.0.0.1";
    /// <summary>0 picks a free port.</summary>
    public int Port { get; init; }
    public string FlinkVersion { get; init; } = "1.20.0";
    public string FlinkRevision { get; init; } = "speck-standin @ 2024-07-25T00:00:00+00:00";
    public int TaskManagers { get; init; } = 1;
    /// <summary>Total task slots of the cluster (can be changed later through <see cref="FlinkStandIn.TaskSlots"/>).</summary>
    public int TaskSlots { get; init; } = 4;
    /// <summary><c>parallelism.default</c>.</summary>
    public int DefaultParallelism { get; init; } = 1;
    /// <summary><c>execution.checkpointing.savepoint-dir</c>; null = not configured.</summary>
    public string? SavepointDir { get; init; }
    /// <summary><c>web.upload.dir</c>; null = a fresh temporary directory removed on dispose.</summary>
    public string? UploadDir { get; init; }
    /// <summary><c>web.submit.enable</c>: false unregisters every <c>/jars</c> route, as Flink does.</summary>
    public bool WebSubmit { get; init; } = true;
    /// <summary>Time a job spends in INITIALIZING; <c>/jars/{id}/run</c> blocks this long, as Flink's does.</summary>
    public TimeSpan InitializingTime { get; init; } = TimeSpan.FromMilliseconds(50);
    /// <summary>Time from CREATED until the scheduler starts the job (RUNNING).</summary>
    public TimeSpan SchedulingTime { get; init; } = TimeSpan.FromMilliseconds(150);
    public TimeSpan CancellingTime { get; init; } = TimeSpan.FromMilliseconds(150);
    /// <summary>Time a savepoint stays IN_PROGRESS.</summary>
    public TimeSpan SavepointTime { get; init; } = TimeSpan.FromMilliseconds(200);
    /// <summary><c>slot.request.timeout</c>: a job waiting this long for slots fails with NoResourceAvailableException.</summary>
    public TimeSpan SlotRequestTimeout { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary><c>rest.async.store-duration</c>: how long a finished savepoint result can still be polled.</summary>
    public TimeSpan AsyncStoreDuration { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary><c>jobstore.expiration-time</c>: terminal jobs vanish from the REST API after this (their ids stay burned).</summary>
    public TimeSpan JobStoreExpiration { get; init; } = TimeSpan.FromHours(1);
    /// <summary><c>jobmanager.scheduler</c> (<c>default</c> or <c>adaptive</c>); null = not configured (the default scheduler).</summary>
    public string? Scheduler { get; init; }
    /// <summary><c>execution.checkpointing.dir</c>; null = not configured (checkpoints are not externally addressable).</summary>
    public string? CheckpointDir { get; init; }
    /// <summary>Further entries of the cluster's configuration (e.g. <c>execution.checkpointing.interval</c>); a job's own <c>flinkConfiguration</c> wins.</summary>
    public IReadOnlyDictionary<string, string> Configuration { get; init; } = new Dictionary<string, string>();
    /// <summary>Added to every request before it is answered.</summary>
    public TimeSpan Latency { get; init; } = TimeSpan.Zero;

    /// <summary>1.20 renamed <c>state.savepoints.dir</c> (FLINK-34482); error messages name the key of the served version.</summary>
    internal string SavepointDirKey => VersionAtLeast(1, 20) ? "execution.checkpointing.savepoint-dir" : "state.savepoints.dir";

    /// <summary>Whether the cluster runs the adaptive scheduler (enum values are read in any case, as Flink's config does).</summary>
    internal bool AdaptiveScheduler => string.Equals(Scheduler, "adaptive", StringComparison.OrdinalIgnoreCase);

    /// <summary>What <c>GET /jobmanager/config</c> lists: the entries this cluster was configured with.</summary>
    internal IReadOnlyDictionary<string, string> ConfiguredEntries()
    {
        var entries = new Dictionary<string, string>(Configuration) { ["parallelism.default"] = DefaultParallelism.ToString(), ["web.submit.enable"] = WebSubmit ? "true" : "false" };
        if (SavepointDir is not null) entries[SavepointDirKey] = SavepointDir;
        if (CheckpointDir is not null) entries["execution.checkpointing.dir"] = CheckpointDir;
        if (Scheduler is not null) entries["jobmanager.scheduler"] = Scheduler;
        return entries;
    }

    internal bool VersionAtLeast(int major, int minor)
    {
        var parts = FlinkVersion.Split('.', '-');
        var ma = parts.Length > 0 && int.TryParse(parts[0], out var a) ? a : 0;
        var mi = parts.Length > 1 && int.TryParse(parts[1], out var b) ? b : 0;
        return ma > major || (ma == major && mi >= minor);
    }
}

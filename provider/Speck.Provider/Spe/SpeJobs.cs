using Speck.Host.Resources;
using Speck.Provider.Model;

namespace Speck.Provider.Spe;

/// <summary>A job's code, named by the sha256 of its content so an engine can keep one copy per content.</summary>
public sealed record JobArtifact(string Sha256, string FileName, Func<CancellationToken, Task<Stream>> OpenAsync)
{
    /// <summary>
    /// Known only by its hash, with no content to upload: the jar of a job deployed earlier, which the engine keeps on
    /// the site (once per content). The engine hands a resource's old assets back as their hash alone.
    /// </summary>
    public bool OnSiteOnly { get; private init; }

    public static JobArtifact OnSite(string sha256) => new(sha256, "", _ =>
        throw ProviderException.Precondition($"the jar with sha256 {sha256} is only known by its hash; it cannot be uploaded again"))
    { OnSiteOnly = true };
}

/// <summary>
/// One deployment attempt. <see cref="Key"/> is stable for the resource (its URN); with <see cref="Generation"/> it
/// names the attempt, so an engine can give the job an ID it can find again after a crash.
/// </summary>
public sealed record JobDeployment
{
    public required SpeEndpoint Endpoint { get; init; }
    public required string Key { get; init; }
    public required int Generation { get; init; }
    public required JobArtifact Artifact { get; init; }
    public string? EntryClass { get; init; }
    public required IReadOnlyList<string> Arguments { get; init; }
    public int? Parallelism { get; init; }
    /// <summary>Savepoint to start from, or null for empty state.</summary>
    public string? RestoreFrom { get; init; }
    public bool AllowNonRestoredState { get; init; }
    /// <summary>The engine's configuration for this job alone (Flink: the run request's <c>flinkConfiguration</c>).</summary>
    public IReadOnlyDictionary<string, string>? EngineConfiguration { get; init; }
    public required TimeSpan ReadyTimeout { get; init; }
    /// <summary>How long the job must keep running before it counts as healthy.</summary>
    public TimeSpan Stabilization { get; init; }
    /// <summary>Where the engine's long waits (the job to run, its flow to connect) are shown to the user.</summary>
    public WaitProgress Progress { get; init; } = WaitProgress.None;
}

/// <summary>A job after a deployment attempt: running, or not (then <see cref="Problem"/> says why).</summary>
public sealed record DeployedJob(string JobId, int Generation, string State, string? ArtifactId, long? StartTime, string? Problem)
{
    public bool Running => State == JobStates.Running && Problem is null;
}

public sealed record ObservedJob(string JobId, string State, long? StartTime, int? Parallelism, string? Problem)
{
    public bool Live => !JobStates.IsEnded(State);
}

/// <summary>How to stop a job: cancel it, or stop it with a savepoint (optionally draining event time first).</summary>
public sealed record JobStop(bool WithSavepoint, string? SavepointDirectory, bool Drain = false)
{
    /// <summary>Where the long waits of the stop (the savepoint, the job's end) are shown to the user.</summary>
    public WaitProgress Progress { get; init; } = WaitProgress.None;
}

/// <summary>A checkpoint a cancelled job can resume from (<see cref="Path"/>), or why there is none (<see cref="WhyNone"/>).</summary>
public sealed record RetainedCheckpoint(string? Path, string? WhyNone);

/// <summary>Job states as Flink names them; other engines map theirs onto these.</summary>
public static class JobStates
{
    public const string Running = "RUNNING";
    public const string Finished = "FINISHED";
    public const string Canceled = "CANCELED";
    public const string Failed = "FAILED";
    /// <summary>Not an engine state: the job is gone from the engine.</summary>
    public const string Missing = "MISSING";
    /// <summary>Not an engine state: the resource is suspended (stopped with a savepoint) on purpose.</summary>
    public const string Suspended = "SUSPENDED";

    public static bool IsEnded(string state) => state is Finished or Canceled or Failed or Missing or Suspended;
}

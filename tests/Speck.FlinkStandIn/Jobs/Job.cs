using System.Security.Cryptography;
using System.Text;

namespace Speck.FlinkStandIn.Jobs;

/// <summary>Flink's JobStatus, spelled as on the wire (CANCELLING with two Ls, CANCELED with one).</summary>
public enum JobStatus { INITIALIZING, CREATED, RUNNING, FAILING, FAILED, CANCELLING, CANCELED, FINISHED, RESTARTING, SUSPENDED, RECONCILING }

public static class JobStatusExtensions
{
    public static bool IsGloballyTerminal(this JobStatus s) => s is JobStatus.FAILED or JobStatus.CANCELED or JobStatus.FINISHED;
}

/// <summary>An exception recorded for a job, as <c>/jobs/{id}/exceptions</c> shows it.</summary>
public sealed record JobFailure(Http.JavaError Error, long Timestamp)
{
    public string ExceptionName => Error.Class;
    public string StackTrace => Error.Trace();
}

/// <summary>What a test can read about a job through the C# control API (never through REST).</summary>
public sealed record StandInJob(
    string JobId, string JarId, string JarSha256, string EntryClass, IReadOnlyList<string> ProgramArgs, int Parallelism,
    JobStatus State, string? SavepointPath, bool AllowNonRestoredState, string ClaimMode,
    string? RestoredFrom, long? RestoredState, long StateCounter, IReadOnlyList<string> Savepoints,
    IReadOnlyDictionary<string, string> FlinkConfiguration, IReadOnlyList<string> RetainedCheckpoints);

/// <summary>A submitted job: what was asked for, and where the simulated JobMaster is. Guarded by the store's lock.</summary>
internal sealed class Job
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string JarId { get; init; }
    public required string JarSha256 { get; init; }
    public required string EntryClass { get; init; }
    public required IReadOnlyList<string> Args { get; init; }
    /// <summary>Every vertex's parallelism; the adaptive scheduler changes it in place (resource requirements).</summary>
    public required int Parallelism { get; set; }
    public string? SavepointPath { get; init; }
    public bool AllowNonRestoredState { get; init; }
    public string ClaimMode { get; init; } = "NO_CLAIM";
    public IReadOnlyDictionary<string, string> FlinkConfiguration { get; init; } = new Dictionary<string, string>();
    public CheckpointSettings Checkpointing { get; init; } = new(null, CheckpointRetention.NO_EXTERNALIZED_CHECKPOINTS, null, 1);
    /// <summary>Per vertex, under the adaptive scheduler: lower and upper bound of its parallelism.</summary>
    public Dictionary<string, (int Lower, int Upper)>? Requirements { get; set; }
    public long? LastPeriodicCheckpointAt { get; set; }
    public bool RestoredFromSavepoint { get; set; } = true;

    public JobStatus State { get; private set; } = JobStatus.INITIALIZING;
    public Dictionary<JobStatus, long> Timestamps { get; } = [];
    public long EndTime { get; private set; } = -1;
    public long LastModification { get; private set; }
    /// <summary>True while the job holds its slots (tasks deployed and running).</summary>
    public bool HasSlots { get; set; }
    public long? TasksRunningSince { get; set; }
    public string? RestoredFrom { get; set; }
    public long? RestoredState { get; set; }
    /// <summary>The "state" a savepoint of this job records: restored value, plus one per savepoint taken.</summary>
    public long StateCounter { get; set; }
    public List<string> Savepoints { get; } = [];
    public List<CheckpointRecord> Checkpoints { get; } = [];
    /// <summary>Checkpoint ids continue from the restored savepoint's id, as Flink's checkpoint id counter does.</summary>
    public long LastCheckpointId { get; set; }
    public long? RestoredCheckpointId { get; set; }
    public long? RestoredAt { get; set; }
    public List<JobFailure> Failures { get; } = [];
    /// <summary>True while a stop-with-savepoint or cancel-with-savepoint is under way.</summary>
    public bool Stopping { get; set; }

    /// <summary>Operator ids the program's state belongs to; derived from the entry class, as uid hashes derive from the topology.</summary>
    public IReadOnlyList<string> OperatorIds => OperatorIdsOf(EntryClass);

    public static IReadOnlyList<string> OperatorIdsOf(string entryClass) =>
        [VertexId(entryClass, 0), VertexId(entryClass, 1)];

    public static string VertexId(string seed, int index) =>
        Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{seed}#{index}")));

    public void MoveTo(JobStatus state, long now)
    {
        State = state;
        Timestamps[state] = now;
        LastModification = now;
        if (state.IsGloballyTerminal()) EndTime = now;
    }

    public StandInJob Snapshot() => new(Id, JarId, JarSha256, EntryClass, Args, Parallelism, State, SavepointPath,
        AllowNonRestoredState, ClaimMode, RestoredFrom, RestoredState, StateCounter, Savepoints.ToList(), FlinkConfiguration,
        Checkpoints.Where(c => !c.IsSavepoint && c.Status == CheckpointStatus.COMPLETED && !c.Discarded).Select(c => c.ExternalPath!).ToList());
}

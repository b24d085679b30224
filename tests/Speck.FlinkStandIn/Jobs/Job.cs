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
public sealed record JobFailure(string ExceptionName, string StackTrace, long Timestamp, Http.JavaError Error);

/// <summary>What a test can read about a job through the C# control API (never through REST).</summary>
public sealed record StandInJob(
    string JobId, string JarId, string JarSha256, string EntryClass, IReadOnlyList<string> ProgramArgs, int Parallelism,
    JobStatus State, string? SavepointPath, bool AllowNonRestoredState, string ClaimMode,
    string? RestoredFrom, long? RestoredState, long StateCounter, IReadOnlyList<string> Savepoints,
    IReadOnlyDictionary<string, string> FlinkConfiguration);

/// <summary>A submitted job: what was asked for, and where the simulated JobMaster is. Guarded by the store's lock.</summary>
internal sealed class Job
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string JarId { get; init; }
    public required string JarSha256 { get; init; }
    public required string EntryClass { get; init; }
    public required IReadOnlyList<string> Args { get; init; }
    public required int Parallelism { get; init; }
    public required long Submitted { get; init; }
    public string? SavepointPath { get; init; }
    public bool AllowNonRestoredState { get; init; }
    public string ClaimMode { get; init; } = "NO_CLAIM";
    public IReadOnlyDictionary<string, string> FlinkConfiguration { get; init; } = new Dictionary<string, string>();

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
        AllowNonRestoredState, ClaimMode, RestoredFrom, RestoredState, StateCounter, Savepoints.ToList(), FlinkConfiguration);
}

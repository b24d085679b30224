namespace Speck.FlinkStandIn.Jobs;

public enum CheckpointStatus { IN_PROGRESS, COMPLETED, FAILED }

/// <summary>
/// One savepoint or periodic checkpoint in a job's checkpoint statistics; <see cref="Synchronous"/> marks
/// stop-with-savepoint (SYNC_SAVEPOINT). A periodic checkpoint is <see cref="Discarded"/> once subsumed or removed
/// when its job ended (docs/flink-rest.md §Checkpoints a restart can resume from).
/// </summary>
internal sealed class CheckpointRecord(long id, bool synchronous, long triggered, bool isSavepoint = true)
{
    public bool IsSavepoint { get; } = isSavepoint;
    public bool Discarded { get; set; }
    /// <summary>The job's state counter this checkpoint holds (a restart from it resumes there).</summary>
    public long StateAt { get; set; }
    public long Id { get; } = id;
    public bool Synchronous { get; } = synchronous;
    public long Triggered { get; } = triggered;
    public CheckpointStatus Status { get; private set; } = CheckpointStatus.IN_PROGRESS;
    public long? Finished { get; private set; }
    public string? ExternalPath { get; private set; }
    public long Size { get; private set; }
    public string? FailureMessage { get; private set; }

    public void Complete(string externalPath, long size, long now)
    {
        (Status, ExternalPath, Size, Finished) = (CheckpointStatus.COMPLETED, externalPath, size, now);
    }

    public void Fail(string message, long now)
    {
        (Status, FailureMessage, Finished) = (CheckpointStatus.FAILED, message, now);
    }
}

namespace Speck.FlinkStandIn.Jobs;

public enum CheckpointStatus { IN_PROGRESS, COMPLETED, FAILED }

/// <summary>
/// One savepoint attempt in a job's checkpoint statistics. The stand-in takes no periodic checkpoints, so every entry is
/// a savepoint; <see cref="Synchronous"/> marks stop-with-savepoint (SYNC_SAVEPOINT).
/// </summary>
internal sealed class CheckpointRecord(long id, bool synchronous, long triggered)
{
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

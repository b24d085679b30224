using Speck.FlinkStandIn.Savepoints;

namespace Speck.FlinkStandIn.Jobs;

/// <summary>
/// Periodic checkpoints of a running job (<c>execution.checkpointing.interval</c>), each completing at once: written to
/// <c>execution.checkpointing.dir</c> (else kept in JobManager memory, not externally addressable), the newest
/// <c>num-retained</c> kept and older ones subsumed. When the job ends, its retention policy decides which survive:
/// FINISHED discards all, CANCELED all but RETAIN_ON_CANCELLATION's, FAILED only NO_EXTERNALIZED_CHECKPOINTS'
/// (docs/flink-rest.md §Checkpoints a restart can resume from).
/// </summary>
internal static class PeriodicCheckpoints
{
    /// <summary>Flink's NonPersistentMetadataCheckpointStorageLocation.EXTERNAL_POINTER.</summary>
    public const string NotAddressable = "<checkpoint-not-externally-addressable>";

    public static void TakeIfDue(Job job, long tasksStarted, long now)
    {
        var settings = job.Checkpointing;
        if (settings.IntervalMs is not { } interval || job.Stopping || now - (job.LastPeriodicCheckpointAt ?? tasksStarted) < interval) return;
        job.LastPeriodicCheckpointAt = now;
        var record = new CheckpointRecord(++job.LastCheckpointId, synchronous: false, now, isSavepoint: false);
        job.Checkpoints.Add(record);
        try
        {
            var location = settings.Directory is { } dir ? SavepointFiles.WriteCheckpoint(dir, job, job.StateCounter + 1, record.Id) : NotAddressable;
            job.StateCounter++;
            record.Complete(location, location == NotAddressable ? 0 : SavepointFiles.Size(location), now);
            record.StateAt = job.StateCounter;
        }
        catch (Exception e) when (e is SavepointException or IOException or UnauthorizedAccessException)
        {
            record.Fail($"org.apache.flink.runtime.checkpoint.CheckpointException: {e.Message}", now);
            return;
        }
        foreach (var old in Live(job).SkipLast(settings.NumRetained)) Discard(old);
    }

    public static void Ended(Job job)
    {
        var keep = job.State switch
        {
            JobStatus.CANCELED => job.Checkpointing.Retention == CheckpointRetention.RETAIN_ON_CANCELLATION,
            JobStatus.FAILED => job.Checkpointing.Retention != CheckpointRetention.NO_EXTERNALIZED_CHECKPOINTS,
            _ => false,
        };
        if (!keep)
            foreach (var c in Live(job).ToList()) Discard(c);
    }

    /// <summary>The state the latest completed checkpoint or savepoint holds, else the restored one (a restart resumes there).</summary>
    public static long LatestState(Job job) =>
        job.Checkpoints.LastOrDefault(c => c.Status == CheckpointStatus.COMPLETED) is { } c ? c.StateAt : job.RestoredState ?? 0;

    private static IEnumerable<CheckpointRecord> Live(Job job) =>
        job.Checkpoints.Where(c => !c.IsSavepoint && c.Status == CheckpointStatus.COMPLETED && !c.Discarded);

    private static void Discard(CheckpointRecord c)
    {
        c.Discarded = true;
        if (c.ExternalPath is { } path && path != NotAddressable) SavepointFiles.DiscardCheckpoint(path);
    }
}

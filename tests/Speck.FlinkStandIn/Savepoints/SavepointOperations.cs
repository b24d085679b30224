using System.Text.Json.Nodes;
using Speck.FlinkStandIn.Http;
using Speck.FlinkStandIn.Jobs;

namespace Speck.FlinkStandIn.Savepoints;

/// <summary>What ends the job once the savepoint is taken: nothing, stop (FINISHED) or cancel-job (CANCELED).</summary>
internal enum AfterSavepoint { KeepRunning, Stop, Cancel }

/// <summary>
/// Savepoint triggers (<c>/savepoints</c>, <c>/stop</c>) as Flink's cached asynchronous operations: keyed by job id and
/// trigger id, IN_PROGRESS then COMPLETED with a location or a failure cause, kept for
/// <c>rest.async.store-duration</c>. A failed savepoint leaves the job running (docs/flink-rest.md §Savepoints).
/// </summary>
public sealed class SavepointOperations(JobStore jobs, FlinkStandInOptions options)
{
    private sealed class Operation
    {
        public required string JobId { get; init; }
        public required string TriggerId { get; init; }
        public required string TargetDirectory { get; init; }
        public required AfterSavepoint After { get; init; }
        public required long Started { get; init; }
        public long? Completed { get; set; }
        public string? Location { get; set; }
        public JavaError? Failure { get; set; }
        public CheckpointRecord? Checkpoint { get; set; }
    }

    private readonly Dictionary<(string, string), Operation> _operations = [];
    private readonly List<string?> _armedFailures = [];
    private readonly List<string?> _armedStopFailures = [];

    /// <summary>The next <paramref name="count"/> savepoints (of <paramref name="jobId"/>, or of any job when null) fail.</summary>
    public void FailNext(int count, string? jobId = null)
    {
        lock (jobs.Sync) for (var i = 0; i < count; i++) _armedFailures.Add(jobId);
    }

    /// <summary>
    /// The next <paramref name="count"/> stop-with-savepoints write their savepoint and then the job fails while stopping:
    /// the operation fails with StopWithSavepointStoppingException naming the savepoint (FLINK-33522), the job ends FAILED.
    /// </summary>
    public void FailNextStopsAfterSavepoint(int count, string? jobId = null)
    {
        lock (jobs.Sync) for (var i = 0; i < count; i++) _armedStopFailures.Add(jobId);
    }

    internal string Trigger(string jobId, string? triggerId, string targetDirectory, AfterSavepoint after)
    {
        lock (jobs.Sync)
        {
            var id = triggerId ?? FlinkIds.New();
            if (_operations.ContainsKey((jobId, id))) return id;
            var op = new Operation { JobId = jobId, TriggerId = id, TargetDirectory = targetDirectory, After = after, Started = jobs.Now };
            _operations[(jobId, id)] = op;
            var job = jobs.Find(jobId);
            if (job is null || job.State.IsGloballyTerminal())
                Complete(op, new JavaError("org.apache.flink.runtime.messages.FlinkJobNotFoundException", $"Could not find Flink job ({jobId})"));
            else if (job.State == JobStatus.INITIALIZING)
                Complete(op, new JavaError("org.apache.flink.runtime.dispatcher.UnavailableDispatcherOperationException",
                    $"Unable to get JobMasterGateway for initializing job. The requested operation is not available while the JobManager is initializing."));
            else if (job.State != JobStatus.RUNNING || !job.HasSlots || job.Stopping)
                Complete(op, NotAllTasksRunning());
            else
            {
                job.Stopping = after != AfterSavepoint.KeepRunning;
                op.Checkpoint = new CheckpointRecord(++job.LastCheckpointId, after == AfterSavepoint.Stop, op.Started);
                job.Checkpoints.Add(op.Checkpoint);
            }
            return id;
        }
    }

    /// <summary>The AsynchronousOperationResult body, or Flink's 404 for an unknown or expired trigger.</summary>
    internal JsonObject Status(string jobId, string triggerId)
    {
        lock (jobs.Sync)
        {
            if (!_operations.TryGetValue((jobId, triggerId), out var op))
                throw FlinkRestException.Handler(404, $"There is no savepoint operation with triggerId={triggerId} for job {jobId}.");
            if (op.Completed is null)
                return new JsonObject { ["status"] = new JsonObject { ["id"] = "IN_PROGRESS" }, ["operation"] = null };
            var operation = op.Location is not null
                ? new JsonObject { ["location"] = op.Location }
                : new JsonObject { ["failure-cause"] = op.Failure!.ToSerializedThrowable() };
            return new JsonObject { ["status"] = new JsonObject { ["id"] = "COMPLETED" }, ["operation"] = operation };
        }
    }

    internal void Advance()
    {
        lock (jobs.Sync)
        {
            var now = jobs.Now;
            foreach (var (key, op) in _operations.ToList())
            {
                if (op.Completed is { } done)
                {
                    if (now - done >= options.AsyncStoreDuration.TotalMilliseconds) _operations.Remove(key);
                    continue;
                }
                if (now - op.Started >= options.SavepointTime.TotalMilliseconds) Finish(op);
            }
        }
    }

    private void Finish(Operation op)
    {
        var job = jobs.FindAny(op.JobId)!;
        var checkpoint = op.Checkpoint!;
        if (job.State != JobStatus.RUNNING || !job.HasSlots)
        {
            Complete(op, new JavaError("org.apache.flink.runtime.checkpoint.CheckpointException", "Checkpoint Coordinator is suspending."));
            return;
        }
        var armed = _armedFailures.FindIndex(j => j is null || j == job.Id);
        try
        {
            if (armed >= 0)
            {
                _armedFailures.RemoveAt(armed);
                throw new SavepointException(new JavaError("org.apache.flink.runtime.checkpoint.CheckpointException",
                    "An Exception occurred while triggering the checkpoint. IO-problem detected."));
            }
            var location = SavepointFiles.Write(op.TargetDirectory, job, job.StateCounter + 1, checkpoint.Id);
            job.StateCounter++;
            job.Savepoints.Add(location);
            checkpoint.Complete(location, SavepointFiles.Size(location), jobs.Now);
            checkpoint.StateAt = job.StateCounter;
            op.Location = location;
            op.Completed = jobs.Now;
            if (op.After == AfterSavepoint.Stop) EndStop(op, job);
            else if (op.After == AfterSavepoint.Cancel) jobs.EndAfterSavepoint(job, JobStatus.CANCELED);
        }
        catch (Exception e) when (e is SavepointException or IOException or UnauthorizedAccessException)
        {
            job.Stopping = false;
            Complete(op, e is SavepointException s ? s.Error : new JavaError("java.io.IOException", e.Message));
        }
    }

    /// <summary>The job finishes after its stop savepoint, unless a test armed a failure while stopping.</summary>
    private void EndStop(Operation op, Job job)
    {
        var armed = _armedStopFailures.FindIndex(j => j is null || j == job.Id);
        if (armed < 0)
        {
            jobs.EndAfterSavepoint(job, JobStatus.FINISHED);
            return;
        }
        _armedStopFailures.RemoveAt(armed);
        op.Failure = new JavaError("org.apache.flink.runtime.scheduler.stopwithsavepoint.StopWithSavepointStoppingException",
            $"A savepoint has been created at: {op.Location}, but the corresponding job {job.Id} failed during stopping. The savepoint is consistent, but might have uncommitted transactions. If you want to commit the transaction please restart a job from this savepoint.");
        op.Location = null;
        jobs.Fail(job, new JavaError("java.lang.RuntimeException", "Injected failure: a task failed while finishing after the stop savepoint."));
    }

    private void Complete(Operation op, JavaError failure)
    {
        op.Failure = failure;
        op.Completed = jobs.Now;
        op.Checkpoint?.Fail($"{failure.Class}: {failure.Message}", jobs.Now);
    }

    private static JavaError NotAllTasksRunning() => new("org.apache.flink.runtime.checkpoint.CheckpointException",
        "Checkpoint triggering task Source: Custom Source (1/1) of job is not being executed at the moment. Aborting checkpoint. Failure reason: Not all required tasks are currently running.");
}

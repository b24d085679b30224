using Speck.FlinkStandIn.Control;
using Speck.FlinkStandIn.Http;

namespace Speck.FlinkStandIn.Jobs;

/// <summary>
/// The dispatcher's jobs and the state machine that moves them: INITIALIZING → CREATED → RUNNING (tasks deployed when
/// enough slots are free, else they wait until <c>slot.request.timeout</c> and the job FAILS), CANCELLING → CANCELED,
/// FAILED, FINISHED. Jobs are never forgotten: a non-HA JobResultStore burns every job id until the cluster restarts.
/// </summary>
public sealed class JobStore(FlinkStandInOptions options, TimeProvider time)
{
    private readonly List<Job> _jobs = [];
    private readonly List<JobFailureRule> _failureRules = [];

    /// <summary>One lock for jobs and savepoint operations, which change jobs.</summary>
    internal Lock Sync { get; } = new();
    internal int TotalSlots { get; set; } = options.TaskSlots;
    internal long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    internal int UsedSlots => _jobs.Where(j => j.HasSlots).Sum(j => j.Parallelism);
    /// <summary>Every job ever submitted, archived ones included (the control API and the duplicate-id rule see these).</summary>
    internal IReadOnlyList<Job> All => _jobs;
    /// <summary>Jobs the REST API still shows: terminal jobs leave after <c>jobstore.expiration-time</c>.</summary>
    internal IEnumerable<Job> Visible => _jobs.Where(j => !Expired(j));
    internal Job? Find(string id) => Visible.FirstOrDefault(j => j.Id == id);
    internal Job? FindAny(string id) => _jobs.FirstOrDefault(j => j.Id == id);

    private bool Expired(Job job) =>
        job.State.IsGloballyTerminal() && Now - job.EndTime >= options.JobStoreExpiration.TotalMilliseconds;

    internal void AddFailureRule(JobFailureRule rule)
    {
        lock (Sync) _failureRules.Add(rule);
    }

    /// <summary>
    /// Registers a job in INITIALIZING, or refuses a job id the dispatcher already knows (docs/flink-rest.md
    /// §Duplicate job ids).
    /// </summary>
    internal Job Submit(Job job)
    {
        lock (Sync)
        {
            if (FindAny(job.Id) is not null)
                throw FlinkRestException.Handler(400, "Could not execute application.",
                    new JavaError("java.util.concurrent.CompletionException",
                        "org.apache.flink.runtime.client.DuplicateJobSubmissionException: Job has already been submitted.",
                        new JavaError("org.apache.flink.runtime.client.DuplicateJobSubmissionException", "Job has already been submitted.")));
            job.MoveTo(JobStatus.INITIALIZING, Now);
            _jobs.Add(job);
            return job;
        }
    }

    /// <summary>Ends INITIALIZING: the JobMaster is created (CREATED) or its savepoint restore failed (FAILED).</summary>
    internal void EndInitialization(Job job, JavaError? restoreFailure, string? restoredFrom = null, Savepoints.SavepointMetadata? restored = null)
    {
        lock (Sync)
        {
            if (job.State != JobStatus.INITIALIZING) return;
            if (restored is not null)
            {
                job.RestoredFrom = restoredFrom;
                job.RestoredState = restored.State;
                job.StateCounter = restored.State;
                job.RestoredCheckpointId = job.LastCheckpointId = restored.CheckpointId;
                job.RestoredAt = Now;
                job.RestoredFromSavepoint = restored.IsSavepoint;
            }
            if (restoreFailure is null) job.MoveTo(JobStatus.CREATED, Now);
            else Fail(job, new JavaError("org.apache.flink.runtime.client.JobInitializationException", "Could not start the JobMaster.", restoreFailure));
        }
    }

    /// <summary>PATCH /jobs/{id}: 202 when cancelling starts or the job is already CANCELED; 409 on other terminal states.</summary>
    internal void Cancel(string id)
    {
        lock (Sync)
        {
            var job = Find(id) ?? throw FlinkRestException.Handler(404, "Job could not be found.",
                new JavaError("org.apache.flink.runtime.messages.FlinkJobNotFoundException", $"Could not find Flink job ({id})"));
            if (job.State is JobStatus.CANCELED or JobStatus.CANCELLING) return;
            if (job.State.IsGloballyTerminal())
                throw FlinkRestException.Handler(409,
                    $"Job cancellation failed because the job has already reached another terminal state ({job.State}).");
            job.MoveTo(JobStatus.CANCELLING, Now);
        }
    }

    /// <summary>Moves every job as far as time allows; called by the stand-in's clock and before each request.</summary>
    internal void Advance()
    {
        lock (Sync)
        {
            var now = Now;
            foreach (var job in _jobs) AdvanceOne(job, now);
        }
    }

    private void AdvanceOne(Job job, long now)
    {
        var since = now - job.Timestamps[job.State];
        switch (job.State)
        {
            case JobStatus.CREATED when since >= options.SchedulingTime.TotalMilliseconds:
                job.MoveTo(JobStatus.RUNNING, now);
                TryDeploy(job, now);
                break;
            case JobStatus.RUNNING when !job.HasSlots:
                if (TryDeploy(job, now)) break;
                if (since >= options.SlotRequestTimeout.TotalMilliseconds)
                    Fail(job, new JavaError("org.apache.flink.runtime.jobmanager.scheduler.NoResourceAvailableException",
                        "Slot request bulk is not fulfillable! Could not allocate the required slot within slot request timeout"));
                break;
            case JobStatus.RUNNING when job.TasksRunningSince is { } started:
                var rule = _failureRules.FirstOrDefault(r => r.Matches(job.EntryClass, job.Args));
                if (rule is not null && now - started >= rule.After.TotalMilliseconds)
                    Fail(job, new JavaError("java.lang.RuntimeException", rule.Message));
                else PeriodicCheckpoints.TakeIfDue(job, started, now);
                break;
            case JobStatus.CANCELLING when since >= options.CancellingTime.TotalMilliseconds:
                Release(job);
                job.MoveTo(JobStatus.CANCELED, now);
                PeriodicCheckpoints.Ended(job);
                break;
            // The adaptive scheduler restarts a rescaled job's tasks from its latest checkpoint, with as many slots as
            // it gets up to the upper bound (its lower bound waits for slots like any job).
            case JobStatus.RESTARTING when since >= options.CancellingTime.TotalMilliseconds:
                var (lower, upper) = (job.Requirements!.Values.Max(r => r.Lower), job.Requirements!.Values.Max(r => r.Upper));
                job.Parallelism = Math.Max(lower, Math.Min(upper, TotalSlots - UsedSlots));
                job.StateCounter = PeriodicCheckpoints.LatestState(job);
                job.MoveTo(JobStatus.RUNNING, now);
                TryDeploy(job, now);
                break;
        }
    }

    /// <summary>
    /// A job gets all its slots at once or waits with its tasks SCHEDULED. A waiting job holds no slots, so it never
    /// blocks a smaller job that fits (how Flink's slot pool shares free slots between waiting jobs is unverified).
    /// </summary>
    private bool TryDeploy(Job job, long now)
    {
        if (TotalSlots - UsedSlots < job.Parallelism) return false;
        job.HasSlots = true;
        job.TasksRunningSince = now;
        return true;
    }

    internal void Fail(Job job, JavaError error)
    {
        var now = Now;
        Release(job);
        job.Failures.Add(new JobFailure(error, now));
        job.MoveTo(JobStatus.FAILING, now);
        job.MoveTo(JobStatus.FAILED, now);
        PeriodicCheckpoints.Ended(job);
    }

    /// <summary>New resource requirements of a running job (adaptive scheduler): its tasks restart with them.</summary>
    internal void Rescale(Job job)
    {
        if (job.State != JobStatus.RUNNING) return;
        Release(job);
        job.MoveTo(JobStatus.RESTARTING, Now);
    }

    /// <summary>Ends a job after a savepoint: FINISHED for stop-with-savepoint, CANCELED for cancel-job.</summary>
    internal void EndAfterSavepoint(Job job, JobStatus end)
    {
        var now = Now;
        Release(job);
        if (end == JobStatus.CANCELED) job.MoveTo(JobStatus.CANCELLING, now);
        job.MoveTo(end, now);
        PeriodicCheckpoints.Ended(job);
    }

    private static void Release(Job job)
    {
        job.HasSlots = false;
        job.TasksRunningSince = null;
        job.Stopping = false;
    }
}

using System.Text.Json.Nodes;

namespace Speck.FlinkStandIn.Jobs;

/// <summary>
/// <c>GET /jobs/{jobid}/checkpoints</c> (CheckpointingStatistics): counts, summary, latest and history, savepoints and
/// periodic checkpoints; <c>latest.restored</c> tells which savepoint or checkpoint the job started from
/// (docs/flink-rest.md §Jobs, §Checkpoints a restart can resume from). Also <c>/checkpoints/config</c>.
/// </summary>
internal static class CheckpointJson
{
    private static readonly string[] SummaryFields =
        ["checkpointed_size", "state_size", "end_to_end_duration", "alignment_buffered", "processed_data", "persisted_data"];

    public static JsonObject Statistics(Job job)
    {
        var records = job.Checkpoints;
        var completed = records.Where(r => r.Status == CheckpointStatus.COMPLETED).ToList();
        var failed = records.LastOrDefault(r => r.Status == CheckpointStatus.FAILED);
        var summary = new JsonObject();
        foreach (var field in SummaryFields)
            summary[field] = Summary(field switch
            {
                "checkpointed_size" or "state_size" => completed.Select(r => r.Size).ToList(),
                "end_to_end_duration" => completed.Select(r => r.Finished!.Value - r.Triggered).ToList(),
                _ => completed.Select(_ => 0L).ToList(),
            });
        return new JsonObject
        {
            ["counts"] = new JsonObject
            {
                ["restored"] = job.RestoredCheckpointId is null ? 0 : 1, ["total"] = records.Count,
                ["in_progress"] = records.Count(r => r.Status == CheckpointStatus.IN_PROGRESS),
                ["completed"] = completed.Count, ["failed"] = records.Count(r => r.Status == CheckpointStatus.FAILED),
            },
            ["summary"] = summary,
            ["latest"] = new JsonObject
            {
                ["completed"] = completed.LastOrDefault(r => !r.IsSavepoint) is { } checkpoint ? Entry(job, checkpoint) : null,
                ["savepoint"] = completed.LastOrDefault(r => r.IsSavepoint) is { } savepoint ? Entry(job, savepoint) : null,
                ["failed"] = failed is null ? null : Entry(job, failed),
                ["restored"] = job.RestoredCheckpointId is not { } id ? null : new JsonObject
                {
                    ["id"] = id, ["restore_timestamp"] = job.RestoredAt, ["is_savepoint"] = job.RestoredFromSavepoint, ["external_path"] = job.RestoredFrom,
                },
            },
            ["history"] = new JsonArray(records.AsEnumerable().Reverse().Select(r => (JsonNode)Entry(job, r)).ToArray()),
        };
    }

    private static JsonObject Entry(Job job, CheckpointRecord r)
    {
        var subtasks = job.Parallelism * 2;
        var done = r.Status == CheckpointStatus.COMPLETED;
        var entry = new JsonObject
        {
            ["className"] = r.Status switch { CheckpointStatus.COMPLETED => "completed", CheckpointStatus.FAILED => "failed", _ => "in_progress" },
            ["id"] = r.Id, ["status"] = r.Status.ToString(), ["is_savepoint"] = r.IsSavepoint,
            ["trigger_timestamp"] = r.Triggered, ["latest_ack_timestamp"] = done ? r.Finished : -1,
            ["checkpointed_size"] = r.Size, ["state_size"] = r.Size,
            ["end_to_end_duration"] = done ? r.Finished - r.Triggered : -1, ["alignment_buffered"] = 0,
            ["processed_data"] = 0, ["persisted_data"] = 0, ["num_subtasks"] = subtasks,
            ["num_acknowledged_subtasks"] = done ? subtasks : 0,
            ["checkpoint_type"] = !r.IsSavepoint ? "CHECKPOINT" : r.Synchronous ? "SYNC_SAVEPOINT" : "SAVEPOINT", ["tasks"] = new JsonObject(),
        };
        // savepointFormat is NON_NULL: a periodic checkpoint has none (unverified).
        if (r.IsSavepoint) entry["savepointFormat"] = "CANONICAL";
        if (done)
        {
            entry["external_path"] = r.ExternalPath;
            entry["discarded"] = r.Discarded;
        }
        else if (r.Status == CheckpointStatus.FAILED)
        {
            entry["failure_timestamp"] = r.Finished;
            entry["failure_message"] = r.FailureMessage;
        }
        return entry;
    }

    /// <summary>
    /// CheckpointConfigInfo (CheckpointConfigHandler): interval <c>Long.MAX_VALUE</c> without periodic checkpoints;
    /// externalization from the retention policy.
    /// </summary>
    public static JsonObject Config(Job job)
    {
        var c = job.Checkpointing;
        return new JsonObject
        {
            ["mode"] = "exactly_once", ["interval"] = c.IntervalMs ?? CheckpointSettings.Disabled, ["timeout"] = 600_000L, ["min_pause"] = 0L,
            ["max_concurrent"] = 1L,
            ["externalization"] = new JsonObject
            {
                ["enabled"] = c.Retention != CheckpointRetention.NO_EXTERNALIZED_CHECKPOINTS,
                ["delete_on_cancellation"] = c.Retention != CheckpointRetention.RETAIN_ON_CANCELLATION,
            },
            ["state_backend"] = "HashMapStateBackend",
            ["checkpoint_storage"] = c.Directory is null ? "JobManagerCheckpointStorage" : "FileSystemCheckpointStorage",
            ["unaligned_checkpoints"] = false, ["tolerable_failed_checkpoints"] = 0, ["aligned_checkpoint_timeout"] = 0L,
            ["checkpoints_after_tasks_finish"] = true, ["state_changelog_enabled"] = false,
            ["changelog_periodic_materialization_interval"] = 600_000L, ["changelog_storage"] = "memory",
        };
    }

    /// <summary>StatsSummaryDto; an empty summary reports zeros [U: Flink may write NaN percentiles].</summary>
    private static JsonObject Summary(IReadOnlyList<long> values)
    {
        var sorted = values.Order().ToArray();
        double Quantile(double q) => sorted.Length == 0 ? 0.0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new JsonObject
        {
            ["min"] = sorted.Length == 0 ? 0 : sorted[0], ["max"] = sorted.Length == 0 ? 0 : sorted[^1],
            ["avg"] = sorted.Length == 0 ? 0 : (long)sorted.Average(),
            ["p50"] = Quantile(0.5), ["p90"] = Quantile(0.9), ["p95"] = Quantile(0.95), ["p99"] = Quantile(0.99), ["p999"] = Quantile(0.999),
        };
    }
}

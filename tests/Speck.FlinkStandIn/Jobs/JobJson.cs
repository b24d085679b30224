using System.Text.Json.Nodes;

namespace Speck.FlinkStandIn.Jobs;

/// <summary>Job bodies as Flink 1.20 writes them: JobDetails (overview), JobDetailsInfo, exceptions, status.</summary>
internal static class JobJson
{
    private static readonly string[] ExecutionStates =
        ["CREATED", "SCHEDULED", "DEPLOYING", "RUNNING", "FINISHED", "CANCELING", "CANCELED", "FAILED", "RECONCILING", "INITIALIZING"];

    private static readonly string[] VertexNames = ["Source: Custom Source", "Map -> Sink: Print to Std. Out"];

    public static JsonObject Overview(Job job, long now)
    {
        var counts = TaskCounts(job);
        var tasks = new JsonObject { ["total"] = counts.Values.Sum() };
        foreach (var s in ExecutionStates) tasks[s.ToLowerInvariant()] = counts[s];
        return new JsonObject
        {
            ["jid"] = job.Id, ["name"] = job.Name, ["state"] = job.State.ToString(),
            ["start-time"] = StartTime(job), ["end-time"] = job.EndTime, ["duration"] = Duration(job, now),
            ["last-modification"] = job.LastModification, ["tasks"] = tasks,
        };
    }

    public static JsonObject Details(Job job, long now)
    {
        var timestamps = new JsonObject();
        foreach (var s in Enum.GetValues<JobStatus>()) timestamps[s.ToString()] = job.Timestamps.GetValueOrDefault(s);
        var vertices = new JsonArray();
        var statusCounts = ExecutionStates.ToDictionary(s => s, _ => 0);
        var states = VertexStates(job);
        for (var i = 0; i < states.Count; i++)
        {
            statusCounts[states[i]]++;
            vertices.Add(Vertex(job, i, states[i], now));
        }
        var counts = new JsonObject();
        foreach (var (k, v) in statusCounts) counts[k] = v;
        return new JsonObject
        {
            ["jid"] = job.Id, ["name"] = job.Name, ["isStoppable"] = false, ["state"] = job.State.ToString(),
            ["job-type"] = "STREAMING", ["start-time"] = StartTime(job), ["end-time"] = job.EndTime,
            ["duration"] = Duration(job, now), ["maxParallelism"] = -1, ["now"] = now, ["timestamps"] = timestamps,
            ["vertices"] = vertices, ["status-counts"] = counts, ["plan"] = Plan(job, states.Count),
        };
    }

    public static JsonObject Exceptions(Job job, int max)
    {
        var entries = new JsonArray();
        foreach (var f in job.Failures.AsEnumerable().Reverse().Take(max))
            entries.Add(new JsonObject
            {
                // taskName, location, endpoint and taskManagerId are NON_NULL: absent for these job-level failures.
                ["exceptionName"] = f.ExceptionName, ["stacktrace"] = f.StackTrace, ["timestamp"] = f.Timestamp,
                ["failureLabels"] = new JsonObject(), ["concurrentExceptions"] = new JsonArray(),
            });
        var root = job.Failures.LastOrDefault();
        return new JsonObject
        {
            ["root-exception"] = root?.StackTrace, ["timestamp"] = root?.Timestamp, ["all-exceptions"] = new JsonArray(),
            ["truncated"] = false,
            ["exceptionHistory"] = new JsonObject { ["entries"] = entries, ["truncated"] = job.Failures.Count > max },
        };
    }

    /// <summary>
    /// JobExecutionResultResponseBody as sent: JobResult has a custom serializer (docs/flink-rest.md
    /// §Where the wire differs from the spec).
    /// </summary>
    public static JsonObject ExecutionResult(Job job)
    {
        if (!job.State.IsGloballyTerminal()) return new JsonObject { ["status"] = new JsonObject { ["id"] = "IN_PROGRESS" } };
        var result = new JsonObject
        {
            ["id"] = job.Id,
            ["application-status"] = job.State switch { JobStatus.FINISHED => "SUCCEEDED", JobStatus.CANCELED => "CANCELED", _ => "FAILED" },
            ["accumulator-results"] = new JsonObject(), ["net-runtime"] = job.EndTime - StartTime(job),
        };
        if (job.State == JobStatus.FAILED && job.Failures.LastOrDefault() is { } f) result["failure-cause"] = f.Error.ToSerializedThrowable();
        return new JsonObject { ["status"] = new JsonObject { ["id"] = "COMPLETED" }, ["job-execution-result"] = result };
    }

    private static JsonObject Vertex(Job job, int index, string state, long now)
    {
        var tasks = new JsonObject();
        foreach (var s in ExecutionStates) tasks[s] = s == state ? job.Parallelism : 0;
        var start = job.TasksRunningSince ?? (state is "RUNNING" or "FINISHED" or "CANCELED" or "CANCELING" ? StartTime(job) : -1);
        var ended = state is "FINISHED" or "CANCELED" or "FAILED";
        var end = ended ? job.EndTime : -1;
        return new JsonObject
        {
            ["id"] = Job.VertexId(job.EntryClass, index), ["slotSharingGroupId"] = Job.VertexId("default-ssg", 0),
            ["name"] = VertexNames[index], ["maxParallelism"] = 128, ["parallelism"] = job.Parallelism, ["status"] = state,
            ["start-time"] = start, ["end-time"] = end, ["duration"] = start < 0 ? -1 : (ended ? end : now) - start,
            ["tasks"] = tasks,
            ["metrics"] = new JsonObject
            {
                ["read-bytes"] = 0, ["read-bytes-complete"] = true, ["write-bytes"] = 0, ["write-bytes-complete"] = true,
                ["read-records"] = 0, ["read-records-complete"] = true, ["write-records"] = 0, ["write-records-complete"] = true,
                ["accumulated-backpressured-time"] = 0, ["accumulated-idle-time"] = 0, ["accumulated-busy-time"] = 0.0,
            },
        };
    }

    private static JsonObject Plan(Job job, int vertexCount)
    {
        var nodes = new JsonArray();
        for (var i = 0; i < vertexCount; i++)
        {
            var node = new JsonObject
            {
                ["id"] = Job.VertexId(job.EntryClass, i), ["parallelism"] = job.Parallelism, ["operator"] = "",
                ["operator_strategy"] = "", ["description"] = VertexNames[i], ["optimizer_properties"] = new JsonObject(),
            };
            if (i > 0)
                node["inputs"] = new JsonArray(new JsonObject
                {
                    ["num"] = 0, ["id"] = Job.VertexId(job.EntryClass, i - 1), ["ship_strategy"] = "FORWARD", ["exchange"] = "pipelined_bounded",
                });
            nodes.Add(node);
        }
        return new JsonObject { ["jid"] = job.Id, ["name"] = job.Name, ["type"] = "STREAMING", ["nodes"] = nodes };
    }

    /// <summary>No execution graph exists for a job that failed while initializing (e.g. a bad savepoint path).</summary>
    private static IReadOnlyList<string> VertexStates(Job job)
    {
        if (!job.Timestamps.ContainsKey(JobStatus.CREATED)) return [];
        return job.State switch
        {
            JobStatus.INITIALIZING or JobStatus.CREATED => ["CREATED", "CREATED"],
            JobStatus.RUNNING => job.HasSlots ? ["RUNNING", "RUNNING"] : ["SCHEDULED", "SCHEDULED"],
            JobStatus.CANCELLING => ["CANCELING", "CANCELING"],
            JobStatus.CANCELED => ["CANCELED", "CANCELED"],
            JobStatus.FAILING or JobStatus.FAILED => job.Timestamps.ContainsKey(JobStatus.RUNNING) ? ["FAILED", "CANCELED"] : ["CANCELED", "CANCELED"],
            JobStatus.FINISHED => ["FINISHED", "FINISHED"],
            _ => ["CREATED", "CREATED"],
        };
    }

    private static Dictionary<string, int> TaskCounts(Job job)
    {
        var counts = ExecutionStates.ToDictionary(s => s, _ => 0);
        foreach (var s in VertexStates(job)) counts[s] += job.Parallelism;
        return counts;
    }

    private static long StartTime(Job job) => job.Timestamps[JobStatus.INITIALIZING];

    private static long Duration(Job job, long now) => (job.EndTime >= 0 ? job.EndTime : now) - StartTime(job);
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Speck.Provider.Spe.Flink;

// Wire shapes of Flink's dispatcher REST API (1.20). Field names are copied exactly: Flink mixes kebab-case and
// camelCase, and rejects unknown request fields, so request records carry only what we send (nulls are omitted).

public sealed record FlinkConfig
{
    [JsonPropertyName("flink-version")] public string? FlinkVersion { get; init; }
    [JsonPropertyName("flink-revision")] public string? FlinkRevision { get; init; }
    [JsonPropertyName("features")] public FlinkFeatures? Features { get; init; }
}

public sealed record FlinkFeatures
{
    [JsonPropertyName("web-submit")] public bool WebSubmit { get; init; }
    [JsonPropertyName("web-cancel")] public bool WebCancel { get; init; }
}

public sealed record FlinkOverview
{
    [JsonPropertyName("taskmanagers")] public int TaskManagers { get; init; }
    [JsonPropertyName("slots-total")] public int SlotsTotal { get; init; }
    [JsonPropertyName("slots-available")] public int SlotsAvailable { get; init; }
    [JsonPropertyName("jobs-running")] public int JobsRunning { get; init; }
    [JsonPropertyName("flink-version")] public string? FlinkVersion { get; init; }
}

public sealed record FlinkJarList
{
    [JsonPropertyName("address")] public string? Address { get; init; }
    [JsonPropertyName("files")] public List<FlinkJarFile> Files { get; init; } = [];
}

public sealed record FlinkJarFile
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("uploaded")] public long Uploaded { get; init; }
}

public sealed record FlinkJarUpload
{
    [JsonPropertyName("filename")] public required string Filename { get; init; }
    [JsonPropertyName("status")] public string? Status { get; init; }

    /// <summary>The jar id is the last segment of the server path, as the Flink operator takes it.</summary>
    public string JarId => Filename[(Filename.LastIndexOf('/') + 1)..];
}

public sealed record FlinkJarRunRequest
{
    [JsonPropertyName("entryClass")] public string? EntryClass { get; init; }
    [JsonPropertyName("programArgsList")] public List<string>? ProgramArgsList { get; init; }
    [JsonPropertyName("parallelism")] public int? Parallelism { get; init; }
    [JsonPropertyName("jobId")] public string? JobId { get; init; }
    [JsonPropertyName("allowNonRestoredState")] public bool? AllowNonRestoredState { get; init; }
    [JsonPropertyName("savepointPath")] public string? SavepointPath { get; init; }
    /// <summary>1.20+; older versions take <see cref="RestoreMode"/>.</summary>
    [JsonPropertyName("claimMode")] public string? ClaimMode { get; init; }
    [JsonPropertyName("restoreMode")] public string? RestoreMode { get; init; }
    [JsonPropertyName("flinkConfiguration")] public Dictionary<string, string>? FlinkConfiguration { get; init; }
}

public sealed record FlinkJarRunResponse
{
    [JsonPropertyName("jobid")] public required string JobId { get; init; }
}

public sealed record FlinkJobsOverview
{
    [JsonPropertyName("jobs")] public List<FlinkJobOverview> Jobs { get; init; } = [];
}

public sealed record FlinkJobOverview
{
    [JsonPropertyName("jid")] public required string Jid { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("state")] public required string State { get; init; }
    [JsonPropertyName("start-time")] public long StartTime { get; init; }
    [JsonPropertyName("end-time")] public long EndTime { get; init; }
}

public sealed record FlinkJobDetails
{
    [JsonPropertyName("jid")] public required string Jid { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("state")] public required string State { get; init; }
    [JsonPropertyName("start-time")] public long StartTime { get; init; }
    [JsonPropertyName("end-time")] public long EndTime { get; init; }
    [JsonPropertyName("vertices")] public List<FlinkVertex>? Vertices { get; init; }
}

public sealed record FlinkVertex
{
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("parallelism")] public int Parallelism { get; init; }
    /// <summary>The vertex's ExecutionState: a job is RUNNING while its tasks still wait for slots (SCHEDULED).</summary>
    [JsonPropertyName("status")] public string? Status { get; init; }
}

public sealed record FlinkStopRequest
{
    [JsonPropertyName("targetDirectory")] public string? TargetDirectory { get; init; }
    [JsonPropertyName("drain")] public bool Drain { get; init; }
    [JsonPropertyName("triggerId")] public string? TriggerId { get; init; }
}

public sealed record FlinkSavepointRequest
{
    [JsonPropertyName("target-directory")] public string? TargetDirectory { get; init; }
    [JsonPropertyName("cancel-job")] public bool CancelJob { get; init; }
    [JsonPropertyName("triggerId")] public string? TriggerId { get; init; }
}

public sealed record FlinkTriggerResponse
{
    [JsonPropertyName("request-id")] public required string RequestId { get; init; }
}

public sealed record FlinkAsyncResult
{
    [JsonPropertyName("status")] public required FlinkAsyncStatus Status { get; init; }
    [JsonPropertyName("operation")] public FlinkSavepointInfo? Operation { get; init; }
}

public sealed record FlinkAsyncStatus
{
    [JsonPropertyName("id")] public required string Id { get; init; }
}

public sealed record FlinkSavepointInfo
{
    [JsonPropertyName("location")] public string? Location { get; init; }
    [JsonPropertyName("failure-cause")] public FlinkFailureCause? FailureCause { get; init; }
}

public sealed record FlinkFailureCause
{
    [JsonPropertyName("class")] public string? Class { get; init; }
    [JsonPropertyName("stack-trace")] public string? StackTrace { get; init; }
}

public sealed record FlinkExceptions
{
    [JsonPropertyName("exceptionHistory")] public FlinkExceptionHistory? ExceptionHistory { get; init; }
}

public sealed record FlinkExceptionHistory
{
    [JsonPropertyName("entries")] public List<FlinkExceptionEntry> Entries { get; init; } = [];
}

public sealed record FlinkExceptionEntry
{
    [JsonPropertyName("exceptionName")] public string? ExceptionName { get; init; }
    [JsonPropertyName("stacktrace")] public string? Stacktrace { get; init; }
    [JsonPropertyName("timestamp")] public long Timestamp { get; init; }
}

/// <summary>One entry of <c>GET /jobmanager/config</c>.</summary>
public sealed record FlinkConfigEntry
{
    [JsonPropertyName("key")] public required string Key { get; init; }
    [JsonPropertyName("value")] public string? Value { get; init; }
}

/// <summary>CheckpointConfigInfo: only what tells whether checkpoints outlive a cancel.</summary>
public sealed record FlinkCheckpointConfig
{
    [JsonPropertyName("interval")] public long Interval { get; init; }
    [JsonPropertyName("externalization")] public FlinkExternalization? Externalization { get; init; }
}

public sealed record FlinkExternalization
{
    [JsonPropertyName("enabled")] public bool Enabled { get; init; }
    [JsonPropertyName("delete_on_cancellation")] public bool DeleteOnCancellation { get; init; }
}

/// <summary>CheckpointingStatistics: the latest completed periodic checkpoint.</summary>
public sealed record FlinkCheckpointStatistics
{
    [JsonPropertyName("latest")] public FlinkLatestCheckpoints? Latest { get; init; }
}

public sealed record FlinkLatestCheckpoints
{
    [JsonPropertyName("completed")] public FlinkCompletedCheckpoint? Completed { get; init; }
}

public sealed record FlinkCompletedCheckpoint
{
    [JsonPropertyName("id")] public long Id { get; init; }
    [JsonPropertyName("external_path")] public string? ExternalPath { get; init; }
    [JsonPropertyName("latest_ack_timestamp")] public long LatestAckTimestamp { get; init; }
    [JsonPropertyName("discarded")] public bool Discarded { get; init; }
}

/// <summary>JobVertexResourceRequirements.Parallelism.</summary>
public sealed record FlinkParallelismBounds
{
    [JsonPropertyName("lowerBound")] public int LowerBound { get; init; }
    [JsonPropertyName("upperBound")] public int UpperBound { get; init; }
}

public sealed record FlinkVertexRequirements
{
    [JsonPropertyName("parallelism")] public required FlinkParallelismBounds Parallelism { get; init; }
}

public sealed record FlinkSavepointDisposalRequest
{
    [JsonPropertyName("savepoint-path")] public required string SavepointPath { get; init; }
}

public sealed record FlinkErrorBody
{
    [JsonPropertyName("errors")] public List<string>? Errors { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FlinkConfig))]
[JsonSerializable(typeof(FlinkOverview))]
[JsonSerializable(typeof(FlinkJarList))]
[JsonSerializable(typeof(FlinkJarUpload))]
[JsonSerializable(typeof(FlinkJarRunRequest))]
[JsonSerializable(typeof(FlinkJarRunResponse))]
[JsonSerializable(typeof(FlinkJobsOverview))]
[JsonSerializable(typeof(FlinkJobDetails))]
[JsonSerializable(typeof(FlinkStopRequest))]
[JsonSerializable(typeof(FlinkSavepointRequest))]
[JsonSerializable(typeof(FlinkTriggerResponse))]
[JsonSerializable(typeof(FlinkAsyncResult))]
[JsonSerializable(typeof(FlinkExceptions))]
[JsonSerializable(typeof(FlinkErrorBody))]
[JsonSerializable(typeof(List<FlinkConfigEntry>))]
[JsonSerializable(typeof(FlinkCheckpointConfig))]
[JsonSerializable(typeof(FlinkCheckpointStatistics))]
[JsonSerializable(typeof(Dictionary<string, FlinkVertexRequirements>))]
[JsonSerializable(typeof(FlinkSavepointDisposalRequest))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class FlinkJsonContext : JsonSerializerContext;

using System.ComponentModel;
using System.Text.Json.Serialization;
using Speck.Host.Schema;
using Speck.Host.Values;
using Speck.Provider.Model;

namespace Speck.Provider.Resources;

[JsonConverter(typeof(JsonStringEnumConverter<UpgradeMode>))]
[Description("How a running job is stopped and restarted when it changes or moves.")]
public enum UpgradeMode
{
    [JsonStringEnumMemberName("stateless")][Description("Cancel the job and start the new version with empty state.")] Stateless,
    [JsonStringEnumMemberName("savepoint")][Description("Stop the job with a savepoint and start the new version from it; roll back to the previous version from the same savepoint if the new one does not run.")] Savepoint,
    [JsonStringEnumMemberName("last-state")][Description("Cancel the job and start the new version from its latest retained checkpoint (faster than a savepoint for big state); roll back from the same checkpoint. Needs periodic checkpoints retained on cancellation (Flink: `execution.checkpointing.interval` and `execution.checkpointing.externalized-checkpoint-retention: RETAIN_ON_CANCELLATION`); a preview refuses the update when the job has none.")] LastState,
}

[JsonConverter(typeof(JsonStringEnumConverter<DesiredState>))]
[Description("Whether the job should run.")]
public enum DesiredState
{
    [JsonStringEnumMemberName("running")] Running,
    [JsonStringEnumMemberName("suspended")][Description("Stopped with a savepoint (cancelled in `stateless` mode); `running` again resumes from it.")] Suspended,
}

public record StreamJobArgs
{
    [Description("The site whose engine runs the job: `${mySite.connection}`. Changing it migrates the job (with its state in `savepoint` mode: the savepoint directory must be reachable from both sites' engines).")]
    public required SiteConnection Site { get; init; }

    [Description("The job's jar as an asset (`fn::fileAsset`). Give this or `jarPath` (Flink sites).")]
    public AssetValue? Artifact { get; init; }

    [Description("Path of the job's jar on the machine running Pulumi. Give this or `artifact`.")]
    public string? JarPath { get; init; }

    [Description("The job's processing on a Node-RED site (instead of a jar): a function body or Node-RED nodes.")]
    public NodeRedProcessing? NodeRed { get; init; }

    [Description("The job's main class; the jar manifest's when absent.")]
    public string? EntryClass { get; init; }

    [Description("Program arguments after the ones that say where the job's data is (see `argumentTemplate`).")]
    public List<string>? Arguments { get; init; }

    [Description("Replaces the default argument layout `[source broker, source topic, sink broker, sink topic]` (more sources follow as broker, topic pairs; then `arguments`). Elements may hold `{source.broker}`, `{source.topic}`, `{sources[i].broker}`, `{sources[i].topic}`, `{sink.broker}`, `{sink.topic}` and `{site}`; `arguments` are appended after the template.")]
    public List<string>? ArgumentTemplate { get; init; }

    [Description("The job's parallelism; the cluster's `parallelism.default` when absent.")]
    public int? Parallelism { get; init; }

    [Description("Topics the job reads: the `endpoint` output of one or more `Topic`s (`${topic.endpoint}`).")]
    public required List<TopicEndpoint> Sources { get; init; }

    [Description("The topic the job writes: the `endpoint` output of a `Topic` (`${topic.endpoint}`).")]
    public required TopicEndpoint Sink { get; init; }

    // No schema default: the default is the engine's (its binder's), and generated SDKs write a schema default into
    // every registration, which would ask Node-RED for savepoints it does not keep.
    [Description("How updates and moves stop and restart the job: `savepoint` and `last-state` keep its state, `stateless` does not. Defaults to the site's engine's: `savepoint` on Flink, `stateless` on Node-RED (which keeps no savepoints). Changing it alone restarts nothing.")]
    public UpgradeMode? UpgradeMode { get; init; }

    [Description("Where savepoints are written (e.g. `s3://bucket/savepoints`); the cluster's `execution.checkpointing.savepoint-dir` when absent.")]
    public string? SavepointDirectory { get; init; }

    [Description("Start a new version even if some of the savepoint's state belongs to operators it no longer has.")]
    public bool? AllowNonRestoredState { get; init; }

    [Description("`running` (default) or `suspended`.")]
    [SchemaDefault("running")]
    public DesiredState? DesiredState { get; init; }

    [Description("On delete, stop the job with a final savepoint (its location is logged and kept in the engine's log) instead of cancelling it.")]
    public bool? SavepointOnDelete { get; init; }

    [Description("Flink configuration for this job alone (e.g. `execution.checkpointing.interval`), sent with its run request over the cluster's; a change restarts the job as `upgradeMode` says. Flink sites only.")]
    public Dictionary<string, string>? FlinkConfiguration { get; init; }

    [Description("A savepoint (or retained checkpoint) the job's first deployment starts from; later deployments start from the job's own savepoints. Changing it restarts nothing. Flink sites only.")]
    public string? InitialSavepointPath { get; init; }

    [Description("Any text; a new value takes a savepoint of the running job without stopping it, recorded in `savepointHistory` and as `lastSavepoint`. Nothing else happens; removing it does nothing. Flink sites only.")]
    public string? SavepointTriggerNonce { get; init; }

    [Description("Any text; a new value restarts the job (through a savepoint in `savepoint` mode, a retained checkpoint in `last-state` mode) with nothing else changed. Removing it does nothing.")]
    public string? RestartNonce { get; init; }

    [Description("Disposes of the job's older savepoints (through the engine) beyond a count or an age; without it none is disposed. Never the one a restart or rollback resumes from (`lastSavepoint`). Flink sites only.")]
    public SavepointRetention? SavepointRetention { get; init; }

    [Description("Seconds a started job must keep running before it counts as healthy (default 0: as soon as it runs).")]
    public int? ReadinessSeconds { get; init; }

    [Description("Any text; changing it gives the job new broker passwords (the job restarts with them). Jobs get their own broker logins on brokers whose site gives dynamic-security admin credentials.")]
    public string? PasswordRotation { get; init; }
}

public sealed record StreamJobState : StreamJobArgs
{
    [Description("The engine's ID of the job now deployed (it changes with every restart: see `generation`).")]
    public string? JobId { get; init; }

    [Description("The job's state as last seen: Flink's (`RUNNING`, `FAILED`, `CANCELED`, `FINISHED`…), `SUSPENDED` when stopped on purpose, or `MISSING` when the engine no longer knows it.")]
    public required string State { get; init; }

    [Description("sha256 of the artifact the job runs.")]
    public string? ArtifactSha256 { get; init; }

    [Description("When the job started (epoch milliseconds).")]
    public long? StartTime { get; init; }

    [Description("Counts the job's submissions; each gets a fresh job ID derived from the resource and this number.")]
    public required int Generation { get; init; }

    [Description("The last savepoint taken by an update, suspension, move or on demand (or the retained checkpoint a `last-state` restart resumed from); restarts resume from it.")]
    public string? LastSavepoint { get; init; }

    [Description("The savepoints updates, suspensions, moves and `savepointTriggerNonce` took, oldest first (at most 10, or `savepointRetention.maxCount`). Without `savepointRetention` the provider never disposes of them.")]
    public List<string>? SavepointHistory { get; init; }

    [Description("When each savepoint of `savepointHistory` was taken (epoch milliseconds), by its path; `savepointRetention.maxAge` reads it.")]
    public Dictionary<string, long>? SavepointTimes { get; init; }

    [Description("The site the job runs on now (the resource ID keeps the site it was created on).")]
    public required string SiteName { get; init; }

    [Description("Why the job is not running, when it is not.")]
    public string? Problem { get; init; }

    [Description("The job's own broker logins, one per broker with access control that its topics are on (absent when there is none). Broker URL arguments carry them as URL user info (`mqtt://user:password@host:port`); on Node-RED they are the MQTT nodes' credentials.")]
    public List<BrokerLogin>? BrokerLogins { get; init; }

    [Description("False when a broker login was changed or deleted outside Pulumi; the next update restores it.")]
    public bool? LoginsInSync { get; init; }

    [Description("Set by an import: the inputs it could not learn from the engine (it does not report them). The import's own update records the program's inputs without touching the job and clears this list; the job's code is then the program's word (no `artifactSha256`), so the first update that changes the job redeploys it.")]
    public List<string>? AdoptedInputs { get; init; }
}

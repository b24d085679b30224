using System.ComponentModel;
using Speck.Host.Schema;
using Speck.Provider.Model;

namespace Speck.Provider.Pipeline;

[SchemaToken("speck:index:PipelineEngine")]
[Description("What a SpecK document does not say about one of its engines (`spe_address`).")]
public sealed record PipelineEngine
{
    [Description("Which engine: `flink` (default) or `nodered`.")]
    public SpeKind? Kind { get; init; }

    [Description("The tier of the site this engine is on (`fog` when neither its engine nor its broker says).")]
    public Tier? Tier { get; init; }

    [Description("Labels of the site this engine is on.")]
    public Dictionary<string, string>? Labels { get; init; }

    [Description("The networks this engine's host is on (any names, e.g. `edge1-lan`, `wan`). A job's engine must share one with each of its brokers where both give theirs; not given: it reaches every broker.")]
    public List<string>? Networks { get; init; }

    [Secret]
    [Description("Bearer token for the engine's API.")]
    public string? Token { get; init; }

    [Description("User name for the engine's API; needs `password`.")]
    public string? Username { get; init; }

    [Secret]
    [Description("Password for the engine's API.")]
    public string? Password { get; init; }
}

[SchemaToken("speck:index:PipelineBroker")]
[Description("What a SpecK document does not say about one of its brokers (`source_broker`, `sink_broker`).")]
public sealed record PipelineBroker
{
    [Description("Which broker: `mqtt` (default) or `kafka`.")]
    public BrokerKind? Kind { get; init; }

    [Description("The tier of the site this broker is on, where its host has no engine that says.")]
    public Tier? Tier { get; init; }

    [Description("Labels of the site this broker is on.")]
    public Dictionary<string, string>? Labels { get; init; }

    [Description("The networks this broker's host is on; see the engines' `networks`.")]
    public List<string>? Networks { get; init; }

    [Description("User name jobs and probes connect with.")]
    public string? Username { get; init; }

    [Secret]
    [Description("Password for `username`.")]
    public string? Password { get; init; }

    [Description("Mosquitto dynamic-security admin user: topics get publish and subscribe roles, jobs their own logins.")]
    public string? AdminUsername { get; init; }

    [Secret]
    [Description("Password of the dynamic-security admin user.")]
    public string? AdminPassword { get; init; }
}

public sealed record PipelineArgs
{
    [Description("The SpecK pipeline document, as sent to SpecK's Composition API: `jobs:` with `job_name`, `spe_address`, `source_broker`, `sink_broker`, `source_topic`, `sink_topic`, `entry_class` and `job_path` each (e.g. `fn::readFile: ./pipeline.yaml`).")]
    public required string Document { get; init; }

    [Description("The jar to deploy for each `job_path` of the document: a path on the machine running Pulumi.")]
    public required Dictionary<string, string> Jars { get; init; }

    [Description("Per engine address of the document (`http://host:port/`, or `host:port`): kind, credentials, tier, labels. Engines not listed are Flink on a fog site.")]
    public Dictionary<string, PipelineEngine>? Engines { get; init; }

    [Description("Per broker address of the document (`tcp://host:port`, or `host:port`): kind, credentials, tier, labels. Brokers not listed are MQTT.")]
    public Dictionary<string, PipelineBroker>? Brokers { get; init; }

    [Description("Where the provider reaches the document's addresses, when not at the addresses themselves: document address (`http://host:port/`, `tcp://host:port` or `host:port`) to a reachable URL (`http://…` for engines, `mqtt://…` or `tcp://…` for MQTT brokers). Sites and children keep the document's names.")]
    public Dictionary<string, string>? AddressMap { get; init; }

    [Description("Where the jobs' savepoints are written; each engine's `execution.checkpointing.savepoint-dir` when absent. Jobs that move between sites resume from it, so every engine must reach it.")]
    public string? SavepointDirectory { get; init; }
}

[SchemaToken("speck:index:PipelineJobStatus")]
[Description("A job of the pipeline as deployed.")]
public sealed record PipelineJobStatus
{
    [Description("The site (the engine's host in the document) the job runs on.")]
    public required string Site { get; init; }

    [Description("The engine's ID of the job.")]
    public string? JobId { get; init; }

    [Description("The job's state as last seen (`RUNNING`, …).")]
    public string? State { get; init; }
}

[SchemaToken("speck:index:PipelineTopicStatus")]
[Description("A topic of the pipeline as deployed.")]
public sealed record PipelineTopicStatus
{
    [Description("The topic's `endpoint`, as its `Topic` gives it.")]
    public object? Endpoint { get; init; }
}

public sealed record PipelineState
{
    [Description("Per `job_name`: its site, job ID and state.")]
    public required Dictionary<string, PipelineJobStatus> Jobs { get; init; }

    [Description("Per topic (`<topic>@<broker host:port>` of the document): its endpoint.")]
    public required Dictionary<string, PipelineTopicStatus> Topics { get; init; }

    [Description("The sites the document's addresses make (one per host), by name.")]
    public required List<string> Sites { get; init; }

    [Description("Topics jobs read that no job of the pipeline writes (`<topic>@<broker host:port>`): data the pipeline expects from outside.")]
    public required List<string> ExternalInputs { get; init; }
}

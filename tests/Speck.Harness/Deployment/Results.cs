using System.Text.Json.Nodes;
using Speck.Harness.Engine;

namespace Speck.Harness.Deployment;

public enum Operation { Preview, Update, Refresh, Destroy }

/// <summary>What the engine did (or, in preview, would do) to one resource, as the CLI names its steps.</summary>
public enum StepKind { Same, Create, Update, Replace, Delete, Import, Read, Refresh, Failed, Skipped }

/// <summary>One property path of a diff with its kind as the provider reported it (e.g. <c>name: UPDATE_REPLACE</c>).</summary>
public sealed record PropertyChange(string Path, string Kind)
{
    public bool IsReplace => Kind.EndsWith("_REPLACE", StringComparison.Ordinal);
    public override string ToString() => $"{Symbol}{Path}";

    public string Symbol => Kind switch
    {
        "ADD" or "ADD_REPLACE" => "+",
        "DELETE" or "DELETE_REPLACE" => "-",
        _ => "~",
    };
}

/// <summary>The outcome for one resource. <see cref="Drift"/> is set by refresh when the real thing differs from state.</summary>
public sealed record ResourceStep(string Urn, string Type, string Name, StepKind Kind)
{
    public IReadOnlyList<PropertyChange> Changes { get; init; } = [];
    public bool DeleteBeforeReplace { get; init; }
    public string? Error { get; init; }
    public IReadOnlyList<string> InitErrors { get; init; } = [];
    public IReadOnlyList<string> CheckFailures { get; init; } = [];
    public bool Drift { get; init; }

    /// <summary>The resource was imported (<c>import:</c>) in this operation; an Update or Replace follows the import step.</summary>
    public bool Imported { get; init; }

    /// <summary>A delete of the old half of a create-before-delete replacement ("delete-replaced").</summary>
    public bool OfReplacement { get; init; }

    /// <summary>
    /// The resource is external (read with <c>get</c>): a Read is the engine's "read", or "read-replacement" when it
    /// took the URN of a managed resource (<see cref="OfReplacement"/>); a Delete is its "discard" (read-discard,
    /// discard-replaced), which calls no provider (step.go:1221-1410, 581-587 (pulumi v3.259.0)).
    /// </summary>
    public bool External { get; init; }
    public JsonObject? Outputs { get; init; }
}

public sealed record DeploymentResult(Operation Operation, string Stack)
{
    public bool Succeeded => Errors.Count == 0;
    public List<ResourceStep> Steps { get; } = [];
    public List<string> Errors { get; } = [];
    public List<string> Warnings { get; } = [];
    public JsonObject Outputs { get; set; } = new();
    public List<EngineLogEntry> Logs { get; } = [];
    /// <summary>The status lines shown while steps ran (ephemeral: not part of the operation's output).</summary>
    public List<EngineLogEntry> StatusLines { get; } = [];
    public List<GrpcCall> Calls { get; } = [];
    public string ProviderStderr { get; set; } = "";

    /// <summary>What a program in another language printed (stdout and stderr), secrets redacted; "" for YAML.</summary>
    public string ProgramOutput { get; set; } = "";

    /// <summary>The program exited with 32: it reported its error itself (as an error log), the host adds none.</summary>
    public bool Bailed { get; set; }

    /// <summary>The provider process's CPU time and peak memory, read just before it was stopped (for the bench).</summary>
    public ProcessUsage? ProviderUsage { get; set; }

    /// <summary>How many times the operation wrote the state file (checkpoints and the final write).</summary>
    public int CheckpointWrites { get; set; }

    /// <summary>For a preview: the plan of what it showed (<c>pulumi preview --save-plan</c>).</summary>
    public DeploymentPlan? Plan { get; set; }

    /// <summary>For <c>up</c>: the preview that ran first, in its own provider process.</summary>
    public DeploymentResult? Preview { get; set; }

    public ResourceStep Step(string name) =>
        Steps.LastOrDefault(s => s.Name == name && s.Kind != StepKind.Delete) ?? Steps.Last(s => s.Name == name);

    public int Count(StepKind kind) => Steps.Count(s => s.Kind == kind);
}

using System.Text.Json.Nodes;
using Speck.Harness.Program;

namespace Speck.Harness.Deployment;

/// <summary>
/// One resource a program registers, as the engine's step generator receives it (a RegisterResourceEvent's goal,
/// pkg/resource/deploy/source_eval.go:2281-3030 (pulumi v3.259.0)): the inputs already evaluated, the URNs it depends
/// on (<c>dependsOn</c> and every resource its inputs came from) and, per input property, the URNs that property came
/// from (<see cref="PropertyDependencies"/>, which dependent replacement reads back from the state). The YAML evaluator
/// and the resource monitor both make these; <see cref="UpdateRun"/> turns them into steps.
/// </summary>
public sealed record Registration(string Type, string Name, bool Custom, JsonObject Inputs)
{
    /// <summary>The parent's URN; null or the root stack's for a top-level resource.</summary>
    public string? Parent { get; init; }
    public IReadOnlyList<string> Dependencies { get; init; } = [];
    public IReadOnlyDictionary<string, IReadOnlyList<string>> PropertyDependencies { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
    public ResourceOptions Options { get; init; } = new();

    /// <summary>
    /// A multi-language component (<c>remote: true</c>): the provider's Construct registers it and its children through
    /// the resource monitor (source_eval.go:2822-2935 (pulumi v3.259.0)).
    /// </summary>
    public bool Remote { get; init; }

    /// <summary>The provider version the program asked for ("" for any): the harness runs one provider binary.</summary>
    public string Version { get; init; } = "";

    /// <summary>
    /// The engine's property dependencies for a request that sent none: every input depends on every dependency
    /// (source_eval.go:2385-2392 (pulumi v3.259.0)); a key the request left out depends on nothing (:2653-2661).
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Complete(
        JsonObject inputs, IReadOnlyList<string> dependencies, IReadOnlyDictionary<string, IReadOnlyList<string>>? sent)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (sent is null || sent.Count == 0)
            foreach (var (k, _) in inputs) result[k] = dependencies.Distinct().ToList();
        else
        {
            foreach (var (k, v) in sent) result[k] = v.Distinct().ToList();
            foreach (var (k, _) in inputs) result.TryAdd(k, []);
        }
        return result;
    }
}

/// <summary>What a registration came to: the engine's RegisterResourceResponse (urn, id, object, result).</summary>
public sealed record Registered(string Urn, string Id, JsonObject Outputs, StepKind Kind)
{
    public bool Ok => Kind is not (StepKind.Failed or StepKind.Skipped);

    /// <summary>False for a preview's create or update: outputs the provider did not return are unknown, not absent.</summary>
    public bool Complete { get; init; } = true;

    /// <summary>A remote component's: per output key, the URNs it came from (Construct's stateDependencies); null for others.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? OutputDependencies { get; init; }
}

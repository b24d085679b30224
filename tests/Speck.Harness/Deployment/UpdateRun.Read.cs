using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Grpc.Core;
using Speck.Harness.Program;
using Speck.Harness.Protocol;
using Speck.Harness.State;

namespace Speck.Harness.Deployment;

/// <summary>
/// What a program's <c>Resource.get</c> sends the resource monitor (ReadResourceRequest, as resmon.ReadResource turns
/// it into a readResourceEvent, pkg/resource/deploy/source_eval.go:1435-1559 (pulumi v3.259.0)): the id to read, and
/// the properties that qualify the lookup (none from a generated SDK's <c>get</c>).
/// </summary>
public sealed record ReadGoal(string Type, string Name, string Id, JsonObject Properties)
{
    public string? Parent { get; init; }
    public IReadOnlyList<string> Dependencies { get; init; } = [];
    public string Version { get; init; } = "";
}

/// <summary>
/// Reads (docs/pulumi-engine.md §Resource monitor): GenerateReadSteps (pkg/resource/deploy/step_generator.go:292-396
/// (pulumi v3.259.0)) and ReadStep.Apply (step.go:1308-1404). A read resource is external: the state records it with
/// <c>external</c>, the engine never deletes it, and it leaves the state when the program reads it no more.
/// </summary>
internal sealed partial class UpdateRun
{
    /// <summary>The states this deployment produced, for <c>pulumi:pulumi:getResource</c> (builtins.go:442-468): registered first, then read.</summary>
    private readonly ConcurrentDictionary<string, ResourceState> _news = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ResourceState> _reads = new(StringComparer.Ordinal);

    /// <summary>Managed resources whose URN a read took (read-replacement): gone from the state, deleted at the end.</summary>
    private readonly ConcurrentBag<ResourceState> _readReplaced = [];

    /// <summary>
    /// One read: the URN is generated as for a registration (a duplicate is an error), then the provider's Read with
    /// the id and the given properties as both inputs and state, in a preview too, unless the id is unknown.
    /// Never throws for a step's failure.
    /// </summary>
    public async Task<Registered> ReadAsync(ReadGoal g)
    {
        var urn = UrnOf(g.Type, g.Name, g.Parent);
        var asGoal = new Registration(g.Type, g.Name, true, g.Properties) { Parent = g.Parent, Dependencies = g.Dependencies };
        if (!_registered.TryAdd(urn, asGoal)) return Failed(urn, asGoal, $"Duplicate resource URN '{urn}'; try giving it a unique name");
        if (g.Id.Length == 0) return Failed(urn, asGoal, $"Expected an ID for {urn}");
        return await StepAsync(urn, asGoal, g.Version, g.Properties, () => ReadStepAsync(urn, g));
    }

    private async Task<Registered> ReadStepAsync(string urn, ReadGoal g)
    {
        var old = _old.FirstOrDefault(o => o.Urn == urn && !o.Delete);
        // A managed resource with another id holds the URN: the read replaces it, and it is deleted at the end
        // (step_generator.go:352-375). The same id, or an external one, is a plain read ("relinquish").
        var replacing = old is { External: false } && old.Id != g.Id;
        var step = new ResourceStep(urn, g.Type, g.Name, StepKind.Read) { External = true, OfReplacement = replacing };
        var read = new ResourceState
        {
            Urn = urn, Type = g.Type, Id = g.Id, External = true, Inputs = g.Properties, Dependencies = g.Dependencies,
            Provider = providerRef, Parent = string.IsNullOrEmpty(g.Parent) ? null : g.Parent,
        };
        // Reads run in previews too; only an unknown id reads nothing (step.go:1314-1320).
        if (g.Id != Sig.Unknown)
        {
            var op = preview ? null : state.BeginOperation(read, PendingOperationTypes.Reading);
            ReadResult found;
            try
            {
                // "Inputs" and "State" are both the given properties (step.go:1334-1348); with none, the provider's import path.
                found = await _calls.ReadAsync(urn, g.Type, g.Id, g.Properties, g.Properties);
            }
            catch (RpcException e)
            {
                if (_calls.Terminated) throw _calls.Termination(e);
                if (op is not null) state.EndOperation(op);
                throw;
            }
            if (op is not null) state.EndOperation(op);
            if (found.Outputs is null) return ReadFailed(step, $"resource '{g.Id}' does not exist");
            read = read with { Outputs = found.Outputs, Id = found.Id.Length > 0 ? found.Id : g.Id };
        }
        if (replacing) _readReplaced.Add(old! with { Delete = true });
        if (!preview)
        {
            // readSnapshotMutation.End (pkg/backend/snapshot.go:572-586): the old state is done, the read one is new.
            // A replaced managed one is marked for deletion (step.go:1377-1381) and deleted with the leftovers.
            if (old is null) state.Add(read);
            else if (!replacing) state.Swap(old, read);
            else
            {
                state.Remove(old);
                state.Add(read);
            }
        }
        _reads[urn] = read;
        redactor.Learn(read.Outputs);
        Add(step with { Outputs = read.Outputs });
        return new Registered(urn, read.Id, read.Outputs, StepKind.Read);
    }

    private Registered ReadFailed(ResourceStep step, string message)
    {
        message = $"{step.Urn}: {message}";
        Add(step with { Kind = StepKind.Failed, Error = message });
        Fail(message);
        return new Registered(step.Urn, "", new JsonObject(), StepKind.Failed);
    }

    /// <summary>Records a registered resource's state for getResource (the step executor's news, step_executor.go:570-582).</summary>
    private void Settled(string urn, string id, JsonObject outputs, bool custom) =>
        _news[urn] = new ResourceState { Urn = urn, Type = Urns.QualifiedType(urn), Custom = custom, Id = id, Outputs = outputs, Provider = custom ? providerRef : null };

    /// <summary>A function of the provider's package, sent to its Invoke.</summary>
    public Task<Pulumirpc.InvokeResponse> InvokeAsync(string tok, Google.Protobuf.WellKnownTypes.Struct args) => _calls.InvokeAsync(tok, args, preview);

    /// <summary>
    /// <c>pulumi:pulumi:getResource</c>: a resource this deployment registered or read, as the builtin provider answers
    /// (urn, id, provider, state = its outputs); null when it has none (builtins.go:442-468 (pulumi v3.259.0)).
    /// </summary>
    public JsonObject? GetResource(string urn)
    {
        if (!_news.TryGetValue(urn, out var s) && !_reads.TryGetValue(urn, out s)) return null;
        return new JsonObject
        {
            ["urn"] = urn, ["id"] = s.Id, ["provider"] = s.Provider ?? "", ["state"] = s.Outputs.DeepClone(),
        };
    }
}

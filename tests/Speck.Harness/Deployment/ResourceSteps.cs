using System.Text.Json.Nodes;
using Grpc.Core;
using Speck.Harness.Program;
using Speck.Harness.Protocol;
using Speck.Harness.State;

namespace Speck.Harness.Deployment;

/// <summary>
/// The calls for one program resource, in the order of docs/pulumi-calls.md §Preview to §Replace: Check → Create for a
/// new one; Check → Diff → (nothing | Update | replace) for an existing one, a replace being Check(olds={}) again and
/// then create-before-delete (the old one is marked for deletion at the end) or delete-before-replace; Read, then the
/// same Check → Diff → Update for an <c>import:</c> (ResourceSteps.Import.cs). Every Create/Update/Delete is recorded
/// as a pending operation while it runs. A preview records each goal and step in the plan; an update held to a plan
/// checks them against it (docs/pulumi-engine.md §Plans).
/// </summary>
internal sealed partial class ResourceSteps(
    ResourceCalls calls, StateFile state, bool preview, Registration r, string urn, JsonObject news,
    string providerRef, ResourceState? old, PlanGate? plan)
{
    private readonly IReadOnlyList<string> dependencies = r.Dependencies;

    /// <summary>Set when this resource's old self was already deleted because a dependency was replaced delete-first.</summary>
    public bool DeletedAhead { get; init; }

    /// <summary>Before a delete-before-replace: deletes the dependents that will be replaced too; returns an error or null.</summary>
    public Func<Task<string?>>? DeleteReplacedDependents { get; init; }

    /// <summary>
    /// The old URN when the old state was found by an alias: the new state carries it (pkgresource.State.Aliases,
    /// step_generator.go:771-825 (pulumi v3.259.0)) until the checkpoint is written with every reference to it renamed.
    /// </summary>
    public string? AliasUrn { get; init; }

    /// <summary>Warnings for the operation (e.g. an imported resource whose preview shows a replace).</summary>
    public Action<string>? Warn { get; init; }

    private sealed class StepFailed(ResourceStep step) : Exception(step.Error)
    {
        public ResourceStep Step { get; } = step;
    }

    public async Task<(ResourceStep Step, JsonObject Outputs, string Id)> RunAsync()
    {
        try
        {
            if (old is null && r.Options.Import is { } importId) return await ImportAsync(importId);
            if (old is null)
            {
                var inputs = await CheckAsync(new JsonObject(), news);
                Goal(null, inputs, null);
                PlanOps(Step(StepKind.Create), Ops.Create);
                return await CreateAsync(inputs, Step(StepKind.Create));
            }
            // Its old self is gone already: what is left of the replacement is the create. The engine checks the
            // program's inputs from scratch, ignoreChanges not applied (step_generator.go:1321-1331, 1495-1505 (pulumi v3.259.0)).
            if (DeletedAhead)
            {
                var step = Step(StepKind.Replace) with { DeleteBeforeReplace = true };
                var fresh = await CheckAsync(new JsonObject(), news);
                Goal(null, fresh, old);
                PlanOps(step, Ops.Replace, Ops.CreateReplacement);
                return await CreateAsync(fresh, step);
            }
            return await ExistingAsync(old, old);
        }
        catch (StepFailed f)
        {
            return (f.Step, new JsonObject(), "");
        }
    }

    private ResourceStep Step(StepKind kind) => new(urn, r.Type, r.Name, kind);

    private StepFailed Failure(string message, ResourceStep? step = null) =>
        new((step ?? Step(StepKind.Failed)) with { Kind = StepKind.Failed, Error = $"{urn}: {message}" });

    private ResourceState NewState(string id, JsonObject inputs, JsonObject outputs, IReadOnlyList<string>? initErrors = null) => new()
    {
        Urn = urn, Type = r.Type, Id = id, Inputs = inputs, Outputs = outputs, Dependencies = dependencies,
        Protect = r.Options.Protect, RetainOnDelete = r.Options.RetainOnDelete, Provider = providerRef, InitErrors = initErrors ?? [],
        IgnoreChanges = r.Options.IgnoreChanges, ReplaceOnChanges = r.Options.ReplaceOnChanges,
        Parent = string.IsNullOrEmpty(r.Parent) ? null : r.Parent,
        PropertyDependencies = Registration.Complete(inputs, dependencies, r.PropertyDependencies),
        Aliases = AliasUrn is { } alias ? [alias] : [],
    };

    private PlanGoal ProgramGoal(JsonObject? oldInputs, JsonObject inputs) => new(PlanDiff.Of(oldInputs, inputs), r.Options.Protect, dependencies,
        providerRef, r.Options.DeleteBeforeReplace, r.Options.Import, r.Options.Timeouts, r.Options.IgnoreChanges);

    /// <summary>After Check: the preview records the goal, an update held to a plan checks it (step_generator.go:1357-1398).</summary>
    private void Goal(JsonObject? oldInputs, JsonObject inputs, ResourceState? inState)
    {
        if (plan?.Goal(urn, oldInputs, inputs, ProgramGoal(oldInputs, inputs), inState) is { } error) throw Failure(error);
    }

    private void PlanOps(ResourceStep step, params string[] ops)
    {
        foreach (var op in ops)
            if (plan?.Op(urn, op) is { } error) throw Failure(error, step);
    }

    private async Task<JsonObject> CheckAsync(JsonObject olds, JsonObject inputs)
    {
        var checkedInputs = await calls.CheckAsync(urn, r.Type, olds, inputs);
        var failures = ResourceCalls.Failures(checkedInputs);
        if (failures.Count > 0)
            throw Failure("check failed: " + string.Join("; ", failures), Step(StepKind.Failed) with { CheckFailures = failures });
        return Structs.ToJson(checkedInputs.Inputs);
    }

    private async Task<(ResourceStep, JsonObject, string)> CreateAsync(JsonObject inputs, ResourceStep step)
    {
        if (preview)
        {
            var planned = await calls.CreateAsync(urn, r.Type, inputs, r.Options.Timeouts.Create, preview: true);
            return (step, Structs.ToJson(planned.Properties), "");
        }
        var op = state.BeginOperation(NewState("", inputs, new JsonObject()), PendingOperationTypes.Creating);
        Pulumirpc.CreateResponse created;
        try
        {
            created = await calls.CreateAsync(urn, r.Type, inputs, r.Options.Timeouts.Create, preview: false);
        }
        catch (RpcException e)
        {
            throw Failed(e, op, inputs, null, step);
        }
        state.EndOperation(op);
        var outputs = Structs.ToJson(created.Properties);
        if (created.Id.Length == 0) throw Failure("plugin returned empty resource.ID", step);
        if (Sig.ContainsUnknown(outputs)) throw Failure("provider returned an unexpected unknown in the outputs of a create", step);
        state.Add(NewState(created.Id, inputs, outputs));
        return (step with { Outputs = outputs }, outputs, created.Id);
    }

    /// <summary>
    /// A call that came back ends its pending operation, whatever the error (OnResourceStepPost → End(step, false) →
    /// markOperationComplete, pkg/engine/update.go:1312-1420, pkg/backend/snapshot.go:449-453 (pulumi v3.259.0)); an
    /// ErrorResourceInitFailed records the resource with its errors. Only a terminated operation leaves it pending.
    /// </summary>
    private Exception Failed(RpcException e, PendingOperation op, JsonObject inputs, ResourceState? replacing, ResourceStep step)
    {
        if (calls.Terminated) return calls.Termination(e);
        var error = ProviderError.From(e);
        if (error.IsInitFailure)
        {
            var recorded = NewState(replacing?.Id ?? error.InitId!, inputs, error.InitProperties!, error.InitReasons);
            if (replacing is null) state.Add(recorded); else state.Swap(replacing, recorded);
            state.EndOperation(op);
            return Failure(error.Message, step with { InitErrors = error.InitReasons });
        }
        state.EndOperation(op);
        return Failure(error.Message, step);
    }

    /// <param name="old">The resource as it is (from the state, or as an import just read it).</param>
    /// <param name="inState">The state's entry for it; null when a preview's import has not recorded it.</param>
    private async Task<(ResourceStep, JsonObject, string)> ExistingAsync(ResourceState old, ResourceState? inState, bool imported = false)
    {
        var ignore = r.Options.IgnoreChanges;
        var newsIgnored = IgnoreChanges.Apply(news, old.Inputs, ignore);
        var checkedInputs = await CheckAsync(old.Inputs, newsIgnored);
        Goal(old.Inputs, checkedInputs, inState);
        var diff = await calls.DiffAsync(urn, r.Type, old.Id, old.Outputs, old.Inputs, checkedInputs, ignore);
        var (changed, replace, changes) = ResourceCalls.Interpret(diff, old.Inputs, checkedInputs, ignore);
        (replace, changes) = ApplyReplaceOnChanges(replace, changes);
        // A resource recorded with init errors is updated again even when nothing changed, to heal it.
        changed |= old.InitErrors.Count > 0;

        if (!changed)
        {
            // An import that needs nothing more keeps what Read recorded and takes no further step (step_generator.go:1901-1906).
            if (imported) return (Step(StepKind.Import) with { Outputs = old.Outputs }, old.Outputs, old.Id);
            PlanOps(Step(StepKind.Same), Ops.Same);
            if (!preview && inState is not null)
                state.SwapSame(inState, inState with
                {
                    Urn = urn,
                    Aliases = AliasUrn is { } alias ? [alias] : [],
                    Inputs = checkedInputs,
                    Dependencies = dependencies,
                    PropertyDependencies = Registration.Complete(checkedInputs, dependencies, r.PropertyDependencies),
                    Parent = string.IsNullOrEmpty(r.Parent) ? null : r.Parent,
                    Protect = r.Options.Protect,
                    RetainOnDelete = r.Options.RetainOnDelete,
                    Provider = providerRef,
                    IgnoreChanges = r.Options.IgnoreChanges,
                    ReplaceOnChanges = r.Options.ReplaceOnChanges,
                });
            return (Step(StepKind.Same), old.Outputs, old.Id);
        }
        if (replace) return await ReplaceAsync(old, changes, r.Options.DeleteBeforeReplace ?? diff.DeleteBeforeReplace, imported);

        var step = Step(StepKind.Update) with { Changes = changes, Imported = imported };
        PlanOps(step, Ops.Update);
        if (preview)
        {
            var planned = await calls.UpdateAsync(old, checkedInputs, r.Options.Timeouts.Update, ignore, preview: true);
            return (step, Structs.ToJson(planned.Properties), old.Id);
        }
        var op = state.BeginOperation(old, PendingOperationTypes.Updating);
        Pulumirpc.UpdateResponse updated;
        try
        {
            updated = await calls.UpdateAsync(old, checkedInputs, r.Options.Timeouts.Update, ignore, preview: false);
        }
        catch (RpcException e)
        {
            throw Failed(e, op, checkedInputs, old, step);
        }
        state.EndOperation(op);
        var outputs = Structs.ToJson(updated.Properties);
        if (Sig.ContainsUnknown(outputs)) throw Failure("provider returned an unexpected unknown in the outputs of an update", step);
        state.Swap(old, NewState(old.Id, checkedInputs, outputs));
        return (step with { Outputs = outputs }, outputs, old.Id);
    }

    private async Task<(ResourceStep, JsonObject, string)> ReplaceAsync(ResourceState old, List<PropertyChange> changes, bool deleteFirst, bool imported)
    {
        var step = Step(StepKind.Replace) with { Changes = changes, DeleteBeforeReplace = deleteFirst, Imported = imported };
        if (old.Protect) throw Failure($"unable to replace resource \"{urn}\" as it is currently marked for protection", step);
        if (r.Options.Import is not null) RefuseImportReplacement(old, changes, step);
        // Replacement starts from scratch: defaults are computed again, from the program's inputs as they are,
        // ignoreChanges not applied (step_generator.go:2003-2023 (pulumi v3.259.0); docs/pulumi-engine.md §ignoreChanges).
        var fresh = await CheckAsync(new JsonObject(), news);
        if (deleteFirst)
        {
            PlanOps(step, Ops.DeleteReplaced, Ops.Replace, Ops.CreateReplacement);
            if (DeleteReplacedDependents is not null && await DeleteReplacedDependents() is { } dependentError) throw Failure(dependentError, step);
            if (preview) return await CreateAsync(fresh, step);
            if (await DeleteSteps.DeleteAsync(calls, state, old, r.Options.Timeouts.Delete) is { } error) throw Failure(error, step);
            return await CreateAsync(fresh, step);
        }
        PlanOps(step, Ops.CreateReplacement, Ops.Replace);
        var created = await CreateAsync(fresh, step);
        if (!preview) state.Swap(old, old with { Delete = true });
        return created;
    }

    /// <summary>The replaceOnChanges option turns a change under one of its paths (or any, for "*") into a replace.</summary>
    private (bool Replace, List<PropertyChange> Changes) ApplyReplaceOnChanges(bool replace, List<PropertyChange> changes)
    {
        var paths = r.Options.ReplaceOnChanges;
        if (paths.Count == 0) return (replace, changes);
        bool Matches(string path) => paths.Any(p => p == "*" || path == p || path.StartsWith(p + ".", StringComparison.Ordinal) || path.StartsWith(p + "[", StringComparison.Ordinal));
        var result = changes.Select(c => Matches(c.Path) && !c.IsReplace ? c with { Kind = c.Kind + "_REPLACE" } : c).ToList();
        return (replace || result.Any(c => c.IsReplace), result);
    }
}

/// <summary>ignoreChanges: the listed property paths keep their old input values (absent if they had none).</summary>
public static class IgnoreChanges
{
    public static JsonObject Apply(JsonObject news, JsonObject oldInputs, IReadOnlyList<string> paths)
    {
        var result = news.DeepClone().AsObject();
        foreach (var path in paths)
        {
            var parts = path.Split('.');
            JsonNode? oldValue = oldInputs;
            foreach (var p in parts) oldValue = oldValue is JsonObject o && o.TryGetPropertyValue(p, out var v) ? v : null;
            JsonObject? target = result;
            foreach (var p in parts[..^1])
                target = target?[p] as JsonObject;
            if (target is null) continue;
            if (oldValue is null) target.Remove(parts[^1]); else target[parts[^1]] = oldValue.DeepClone();
        }
        return result;
    }
}

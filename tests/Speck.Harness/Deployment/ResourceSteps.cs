using System.Text.Json.Nodes;
using Grpc.Core;
using Speck.Harness.Program;
using Speck.Harness.Protocol;
using Speck.Harness.State;

namespace Speck.Harness.Deployment;

/// <summary>
/// The calls for one program resource, in the order of protocol doc §3: Check → Create for a new one;
/// Check → Diff → (nothing | Update | replace) for an existing one, a replace being Check(olds={}) again and then
/// create-before-delete (the old one is marked for deletion at the end) or delete-before-replace; Read → Check → Diff
/// for an <c>import:</c>. Every Create/Update/Delete is recorded as a pending operation while it runs.
/// </summary>
internal sealed class ResourceSteps(
    ResourceCalls calls, StateFile state, bool preview, ProgramResource r, string urn, JsonObject news,
    IReadOnlyList<string> dependencies, string providerRef, ResourceState? old)
{
    private sealed class StepFailed(ResourceStep step) : Exception(step.Error)
    {
        public ResourceStep Step { get; } = step;
    }

    public async Task<(ResourceStep Step, JsonObject Outputs, string Id)> RunAsync()
    {
        try
        {
            if (old is null && r.Options.Import is { } importId) return await ImportAsync(importId);
            if (old is null) return await CreateAsync(await CheckAsync(new JsonObject(), news), Step(StepKind.Create));
            return await ExistingAsync(old);
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
        Protect = r.Options.Protect, Provider = providerRef, InitErrors = initErrors ?? [],
    };

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
        var op = state.BeginOperation(NewState("", inputs, new JsonObject()), "creating");
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

    /// <summary>ErrorResourceInitFailed: the resource exists, record it with its errors; unknown outcomes stay pending.</summary>
    private StepFailed Failed(RpcException e, PendingOperation op, JsonObject inputs, ResourceState? replacing, ResourceStep step)
    {
        var error = ProviderError.From(e);
        if (error.IsInitFailure)
        {
            var recorded = NewState(replacing?.Id ?? error.InitId!, inputs, error.InitProperties!, error.InitReasons);
            if (replacing is null) state.Add(recorded); else state.Swap(replacing, recorded);
            state.EndOperation(op);
            return Failure(error.Message, step with { InitErrors = error.InitReasons });
        }
        if (!error.OutcomeUnknown) state.EndOperation(op);
        return Failure(error.OutcomeUnknown ? $"{error.Message} (outcome unknown: the operation stays pending in the state)" : error.Message, step);
    }

    private async Task<(ResourceStep, JsonObject, string)> ExistingAsync(ResourceState old)
    {
        var ignore = r.Options.IgnoreChanges;
        var newsIgnored = IgnoreChanges.Apply(news, old.Inputs, ignore);
        var checkedInputs = await CheckAsync(old.Inputs, newsIgnored);
        var diff = await calls.DiffAsync(urn, r.Type, old.Id, old.Outputs, old.Inputs, checkedInputs, ignore);
        var (changed, replace, changes) = ResourceCalls.Interpret(diff, old.Inputs, checkedInputs);

        if (!changed)
        {
            if (!preview) state.Swap(old, old with { Inputs = checkedInputs, Dependencies = dependencies, Protect = r.Options.Protect, Provider = providerRef });
            return (Step(StepKind.Same), old.Outputs, old.Id);
        }
        if (replace) return await ReplaceAsync(old, newsIgnored, changes, r.Options.DeleteBeforeReplace ?? diff.DeleteBeforeReplace);

        var step = Step(StepKind.Update) with { Changes = changes };
        if (preview)
        {
            var planned = await calls.UpdateAsync(old, checkedInputs, r.Options.Timeouts.Update, ignore, preview: true);
            return (step, Structs.ToJson(planned.Properties), old.Id);
        }
        var op = state.BeginOperation(old, "updating");
        Pulumirpc.UpdateResponse updated;
        try
        {
            updated = await calls.UpdateAsync(old, checkedInputs, r.Options.Timeouts.Update, ignore, preview: false);
        }
        catch (RpcException e)
        {
            throw Failed(e, op, checkedInputs, old, step);
        }
        var outputs = Structs.ToJson(updated.Properties);
        if (Sig.ContainsUnknown(outputs)) throw Failure("provider returned an unexpected unknown in the outputs of an update", step);
        state.Swap(old, NewState(old.Id, checkedInputs, outputs));
        state.EndOperation(op);
        return (step with { Outputs = outputs }, outputs, old.Id);
    }

    private async Task<(ResourceStep, JsonObject, string)> ReplaceAsync(ResourceState old, JsonObject newsIgnored, List<PropertyChange> changes, bool deleteFirst)
    {
        var step = Step(StepKind.Replace) with { Changes = changes, DeleteBeforeReplace = deleteFirst };
        if (old.Protect) throw Failure($"unable to replace resource \"{urn}\" as it is currently marked for protection", step);
        // Replacement starts from scratch: defaults are computed again.
        var fresh = await CheckAsync(new JsonObject(), newsIgnored);
        if (preview) return await CreateAsync(fresh, step);
        if (deleteFirst)
        {
            if (await DeleteSteps.DeleteAsync(calls, state, old, r.Options.Timeouts.Delete) is { } error) throw Failure(error, step);
            return await CreateAsync(fresh, step);
        }
        var created = await CreateAsync(fresh, step);
        state.Swap(old, old with { Delete = true });
        return created;
    }

    private async Task<(ResourceStep, JsonObject, string)> ImportAsync(string importId)
    {
        var step = Step(StepKind.Import);
        var read = await calls.ReadAsync(urn, r.Type, importId, null, null);
        if (read.Id.Length == 0 || read.Properties is null) throw Failure($"resource '{importId}' does not exist", step);
        if (read.Inputs is null) throw Failure("provider does not support importing resources", step);
        var (readOutputs, readInputs) = (Structs.ToJson(read.Properties), Structs.ToJson(read.Inputs));
        var checkedInputs = await CheckAsync(readInputs, news);
        var diff = await calls.DiffAsync(urn, r.Type, read.Id, readOutputs, readInputs, checkedInputs, r.Options.IgnoreChanges);
        var (changed, _, changes) = ResourceCalls.Interpret(diff, readInputs, checkedInputs);
        step = step with { Changes = changes };
        if (changed)
        {
            var message = "inputs to import do not match the existing resource: " + string.Join(", ", changes);
            if (!preview) throw Failure(message, step);
            return (step with { Error = "warning: " + message }, readOutputs, read.Id);
        }
        if (!preview) state.Add(NewState(read.Id, checkedInputs, readOutputs));
        return (step with { Outputs = readOutputs }, readOutputs, read.Id);
    }
}

/// <summary>ignoreChanges: the listed property paths keep their old input values (absent if they had none).</summary>
internal static class IgnoreChanges
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

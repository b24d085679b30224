using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Grpc.Core;
using Speck.Harness.Program;
using Speck.Harness.Protocol;
using Speck.Harness.State;

namespace Speck.Harness.Deployment;

/// <summary>
/// A preview or an update of a program (docs/pulumi-calls.md §Preview to §Replace): resources run in parallel
/// (bounded), each after the resources it refers to; then, in an update, resources dropped from the program and
/// create-before-delete replacements are deleted in reverse dependency order. The first failure stops new steps from
/// starting.
/// </summary>
internal sealed class UpdateRun(
    YamlProgram program, StackOptions options, JsonObject config, StateFile state, ProviderSession session,
    bool preview, DeploymentResult result, Engine.Redactor redactor, PlanGate? plan, CancellationToken ct) : IScope
{
    private sealed record Resolved(JsonObject Outputs, string Id, string Urn, bool Complete, bool Ok);

    private readonly Dictionary<string, TaskCompletionSource<Resolved>> _results =
        program.Resources.ToDictionary(r => r.Name, _ => new TaskCompletionSource<Resolved>(TaskCreationOptions.RunContinuationsAsynchronously));
    private readonly SemaphoreSlim _parallel = new(options.Parallel);
    private readonly ResourceCalls _calls = new(session, ct);
    private readonly IReadOnlyList<ResourceState> _old = state.Snapshot();
    private readonly Lock _resultLock = new();
    private readonly ConcurrentDictionary<string, bool> _deletedAhead = new();
    private volatile bool _stopped;

    private string Urn(ProgramResource r) => Urns.Of(options.Stack, program.Name, r.Type, r.Name);

    public async Task RunAsync(string providerRef)
    {
        await Task.WhenAll(program.Resources.Select(r => RunResourceAsync(r, providerRef)));
        if (!preview && !_stopped) await DeleteLeftoversAsync();
        else if (preview) ReportPreviewDeletes();
        if (result.Errors.Count == 0) result.Outputs = EvaluateOutputs();
        if (result.Errors.Count == 0 && plan is not null) PlanStackOutputs();
        if (result.Errors.Count == 0 && plan is { Checking: true })
            foreach (var unfinished in plan.Plan.Unfinished(_old)) Fail(unfinished);
    }

    /// <summary>
    /// The stack's outputs are the root stack resource's RegisterResourceOutputs: the preview records their diff, an
    /// update held to the plan checks it (checkOutputs, pkg/resource/deploy/plan.go:529-537; step_executor.go:270-279 (pulumi v3.259.0)).
    /// </summary>
    private void PlanStackOutputs()
    {
        var planned = PlanDiff.Of(state.Outputs, result.Outputs);
        if (!plan!.Checking) { plan.Plan.OutputDiff = planned; return; }
        if (DeploymentPlan.CheckDiff(state.Outputs, result.Outputs, plan.Plan.OutputDiff ?? PlanDiff.Empty) is { } error)
            Fail($"{Urns.Of(options.Stack, program.Name, "pulumi:pulumi:Stack", $"{program.Name}-{options.Stack}")}: resource violates plan: {error}");
    }

    private async Task RunResourceAsync(ProgramResource r, string providerRef)
    {
        var tcs = _results[r.Name];
        var urn = Urn(r);
        try
        {
            var dependsOn = r.Options.DependsOn.SelectMany(d => Expressions.Roots(JsonValue.Create(d))).ToList();
            if (dependsOn.FirstOrDefault(d => !_results.ContainsKey(d)) is { } missing)
                throw new HarnessException($"dependsOn: '{missing}' is not a resource of the program");
            var deps = Expressions.Roots(r.Properties).Concat(dependsOn).Where(_results.ContainsKey).Distinct().ToList();
            var resolved = await Task.WhenAll(deps.Select(d => _results[d].Task));
            if (resolved.Any(d => !d.Ok) || _stopped)
            {
                Add(new ResourceStep(urn, r.Type, r.Name, StepKind.Skipped));
                tcs.SetResult(new Resolved(new JsonObject(), "", urn, false, false));
                return;
            }
            var news = Expressions.Evaluate(r.Properties, this, program.Directory)!.AsObject();
            redactor.Learn(news);
            var depUrns = deps.Select(d => Urns.Of(options.Stack, program.Name, program.Resources.First(x => x.Name == d).Type, d)).ToList();

            await _parallel.WaitAsync(ct);
            try
            {
                if (_stopped) { Add(new ResourceStep(urn, r.Type, r.Name, StepKind.Skipped)); tcs.SetResult(new Resolved(new(), "", urn, false, false)); return; }
                var step = new ResourceSteps(_calls, state, preview, r, urn, news, depUrns, providerRef, _old.FirstOrDefault(o => o.Urn == urn && !o.Delete), plan)
                {
                    DeletedAhead = _deletedAhead.ContainsKey(urn),
                    DeleteReplacedDependents = () => DeleteReplacedDependentsAsync(r),
                    Warn = w => { lock (_resultLock) result.Warnings.Add(redactor.Redact(w)); },
                };
                var (outcome, outputs, id) = await step.RunAsync();
                Add(outcome);
                if (outcome.Kind == StepKind.Failed) Fail(outcome.Error!);
                redactor.Learn(outputs);
                tcs.SetResult(new Resolved(outputs, id, urn, Complete: !preview || outcome.Kind is StepKind.Same, outcome.Kind != StepKind.Failed));
            }
            finally
            {
                _parallel.Release();
            }
        }
        catch (Exception e)
        {
            // Whatever went wrong, dependents must not wait forever: the resource is failed and they are skipped.
            var message = e switch
            {
                RpcException rpc => $"{urn}: {rpc.StatusCode}: {redactor.Redact(ProviderError.From(rpc).Message)}",
                HarnessException => $"{urn}: {e.Message}",
                _ => $"{urn}: {e.GetType().Name}: {e.Message}",
            };
            Add(new ResourceStep(urn, r.Type, r.Name, StepKind.Failed) { Error = message });
            Fail(message);
            tcs.TrySetResult(new Resolved(new JsonObject(), "", urn, false, false));
        }
    }

    private void Add(ResourceStep step)
    {
        lock (_resultLock) result.Steps.Add(step);
    }

    private void Fail(string message)
    {
        _stopped = true;
        lock (_resultLock) result.Errors.Add(message);
    }

    /// <summary>
    /// Before <paramref name="replaced"/> is deleted to be replaced, the engine finds its dependents (in the old state)
    /// that will be replaced too: it diffs each with the inputs that refer to the replaced resources unknown, and
    /// deletes those whose diff says replace first, dependents before dependencies. They are created again when
    /// the program reaches them (docs/pulumi-calls.md §Replace; the engine's calculateDependentReplacements).
    /// </summary>
    private async Task<string?> DeleteReplacedDependentsAsync(ProgramResource replaced)
    {
        var unknown = new HashSet<string> { replaced.Name };
        var doomed = new List<ResourceState>();
        var dependents = _old.Where(o => !o.Delete && o.Dependencies.Contains(Urn(replaced))).ToList();
        while (dependents.Count > 0)
        {
            var next = new List<ResourceState>();
            foreach (var d in dependents)
            {
                if (program.Resources.FirstOrDefault(p => Urn(p) == d.Urn) is not { } declared || doomed.Contains(d)) continue;
                // As the engine does: the old inputs, with each property that depends on a replaced resource unknown,
                // diffed with the ignoreChanges and replaceOnChanges the state holds (step_generator.go:3366-3377 (pulumi v3.259.0)).
                var news = d.Inputs.DeepClone().AsObject();
                foreach (var (key, template) in declared.Properties)
                    if (Expressions.Roots(template).Any(unknown.Contains)) news[key] = Sig.Unknown;
                var diff = await _calls.DiffAsync(d.Urn, d.Type, d.Id, d.Outputs, d.Inputs, news, d.IgnoreChanges);
                var (_, replaces, changes) = ResourceCalls.Interpret(diff, d.Inputs, news, d.IgnoreChanges);
                if (!replaces && !changes.Any(c => d.ReplaceOnChanges.Any(p => p == "*" || c.Path == p || c.Path.StartsWith(p + ".", StringComparison.Ordinal)))) continue;
                doomed.Add(d);
                unknown.Add(declared.Name);
                next.AddRange(_old.Where(o => !o.Delete && o.Dependencies.Contains(d.Urn)));
            }
            dependents = next;
        }
        foreach (var d in DeleteSteps.ReverseDependencyOrder(doomed))
        {
            _deletedAhead[d.Urn] = true;
            if (plan?.Op(d.Urn, Ops.DeleteReplaced) is { } planError) return $"{d.Urn}: {planError}";
            if (preview) continue;
            if (await DeleteSteps.DeleteAsync(_calls, state, d, 0) is { } error) return error;
        }
        return null;
    }

    /// <summary>
    /// Resources no longer in the program, and old halves of create-before-delete replacements: each checked against
    /// the plan (step_generator.go:2470-2492 (pulumi v3.259.0)), then deleted in parallel antichains.
    /// </summary>
    private async Task DeleteLeftoversAsync()
    {
        var inProgram = program.Resources.Select(Urn).ToHashSet();
        var current = state.Snapshot();
        var doomed = current.Where(r => r.Custom && r.Type != ProviderSession.ProviderType && (r.Delete || !inProgram.Contains(r.Urn))).ToList();
        foreach (var d in doomed)
            if (plan?.Op(d.Urn, d.Delete ? Ops.DeleteReplaced : Ops.Delete) is { } planError)
            {
                Add(new ResourceStep(d.Urn, d.Type, d.Name, StepKind.Failed) { Error = $"{d.Urn}: {planError}" });
                Fail($"{d.Urn}: {planError}");
                return;
            }
        await DeleteSteps.RunAsync(doomed, current, options.Parallel,
            old => DeleteSteps.DeleteAsync(_calls, state, old, program.Resources.FirstOrDefault(p => Urn(p) == old.Urn)?.Options.Timeouts.Delete ?? 0),
            (old, error) =>
            {
                if (error is null) Add(new ResourceStep(old.Urn, old.Type, old.Name, StepKind.Delete) { OfReplacement = old.Delete });
                else
                {
                    Add(new ResourceStep(old.Urn, old.Type, old.Name, StepKind.Failed) { Error = error });
                    Fail(error);
                }
            });
    }

    /// <summary>What the update would delete: resources gone from the program, and the old halves of create-before-delete replacements.</summary>
    private void ReportPreviewDeletes()
    {
        var inProgram = program.Resources.Select(Urn).ToHashSet();
        List<ResourceStep> replaced;
        lock (_resultLock) replaced = result.Steps.Where(s => s.Kind == StepKind.Replace && !s.DeleteBeforeReplace).ToList();
        foreach (var old in _old.Where(r => r.Custom && r.Type != ProviderSession.ProviderType && !r.Delete && replaced.Any(s => s.Urn == r.Urn)))
            plan?.Op(old.Urn, Ops.DeleteReplaced);
        var removed = _old.Where(r => r.Custom && r.Type != ProviderSession.ProviderType && (r.Delete || !inProgram.Contains(r.Urn))).ToList();
        foreach (var old in DeleteSteps.ReverseDependencyOrder(removed))
        {
            plan?.Op(old.Urn, old.Delete ? Ops.DeleteReplaced : Ops.Delete);
            if (!old.Delete) Add(new ResourceStep(old.Urn, old.Type, old.Name, StepKind.Delete));
        }
    }

    private JsonObject EvaluateOutputs()
    {
        var outputs = new JsonObject();
        foreach (var (k, v) in program.Outputs) outputs[k] = Expressions.Evaluate(v, this, program.Directory);
        return outputs;
    }

    public bool TryResolve(string root, out JsonNode? value, out bool complete)
    {
        if (_results.TryGetValue(root, out var tcs) && tcs.Task.IsCompletedSuccessfully)
        {
            var r = tcs.Task.Result;
            var o = r.Outputs.DeepClone().AsObject();
            o["id"] = r.Id.Length > 0 ? r.Id : Sig.Unknown;
            o["urn"] = r.Urn;
            (value, complete) = (o, r.Complete);
            return true;
        }
        if (config.TryGetPropertyValue(root, out value)) { complete = true; return true; }
        (value, complete) = (null, true);
        return false;
    }
}

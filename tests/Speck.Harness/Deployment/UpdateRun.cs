using System.Text.Json.Nodes;
using Grpc.Core;
using Speck.Harness.Program;
using Speck.Harness.Protocol;
using Speck.Harness.State;

namespace Speck.Harness.Deployment;

/// <summary>
/// A preview or an update of a program (protocol doc §3.1–3.4): resources run in parallel (bounded), each after the
/// resources it refers to; then, in an update, resources dropped from the program and create-before-delete
/// replacements are deleted in reverse dependency order. The first failure stops new steps from starting.
/// </summary>
internal sealed class UpdateRun(
    YamlProgram program, StackOptions options, JsonObject config, StateFile state, ProviderSession session,
    bool preview, DeploymentResult result, Engine.Redactor redactor, CancellationToken ct) : IScope
{
    private sealed record Resolved(JsonObject Outputs, string Id, string Urn, bool Complete, bool Ok);

    private readonly Dictionary<string, TaskCompletionSource<Resolved>> _results =
        program.Resources.ToDictionary(r => r.Name, _ => new TaskCompletionSource<Resolved>(TaskCreationOptions.RunContinuationsAsynchronously));
    private readonly SemaphoreSlim _parallel = new(options.Parallel);
    private readonly ResourceCalls _calls = new(session, ct);
    private readonly IReadOnlyList<ResourceState> _old = state.Snapshot();
    private readonly Lock _resultLock = new();
    private volatile bool _stopped;

    private string Urn(ProgramResource r) => Urns.Of(options.Stack, program.Name, r.Type, r.Name);

    public async Task RunAsync(string providerRef)
    {
        await Task.WhenAll(program.Resources.Select(r => RunResourceAsync(r, providerRef)));
        if (!preview && !_stopped) await DeleteLeftoversAsync();
        else if (preview) ReportPreviewDeletes();
        if (result.Errors.Count == 0) result.Outputs = EvaluateOutputs();
    }

    private async Task RunResourceAsync(ProgramResource r, string providerRef)
    {
        var tcs = _results[r.Name];
        var urn = Urn(r);
        try
        {
            var deps = Expressions.Roots(r.Properties).Concat(r.Options.DependsOn.SelectMany(d => Expressions.Roots(JsonValue.Create(d))))
                .Where(_results.ContainsKey).Distinct().ToList();
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
                var step = new ResourceSteps(_calls, state, preview, r, urn, news, depUrns, providerRef, _old.FirstOrDefault(o => o.Urn == urn && !o.Delete));
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
        catch (Exception e) when (e is HarnessException or RpcException)
        {
            var message = e is RpcException rpc ? $"{urn}: {ProviderError.From(rpc).Message}" : $"{urn}: {e.Message}";
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

    /// <summary>Resources no longer in the program, and old halves of create-before-delete replacements.</summary>
    private async Task DeleteLeftoversAsync()
    {
        var inProgram = program.Resources.Select(Urn).ToHashSet();
        var current = state.Snapshot();
        var doomed = current.Where(r => r.Custom && r.Type != ProviderSession.ProviderType && (r.Delete || !inProgram.Contains(r.Urn))).ToList();
        foreach (var old in DeleteSteps.ReverseDependencyOrder(doomed))
        {
            var timeout = program.Resources.FirstOrDefault(p => Urn(p) == old.Urn)?.Options.Timeouts.Delete ?? 0;
            var error = await DeleteSteps.DeleteAsync(_calls, state, old, timeout);
            if (error is not null)
            {
                Add(new ResourceStep(old.Urn, old.Type, old.Name, StepKind.Failed) { Error = error });
                Fail(error);
                return;
            }
            Add(new ResourceStep(old.Urn, old.Type, old.Name, StepKind.Delete) { OfReplacement = old.Delete });
        }
    }

    private void ReportPreviewDeletes()
    {
        var inProgram = program.Resources.Select(Urn).ToHashSet();
        foreach (var old in DeleteSteps.ReverseDependencyOrder(_old.Where(r => r.Custom && r.Type != ProviderSession.ProviderType && !inProgram.Contains(r.Urn)).ToList()))
            Add(new ResourceStep(old.Urn, old.Type, old.Name, StepKind.Delete));
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

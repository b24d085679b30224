using System.Text.Json.Nodes;
using Grpc.Core;
using Speck.Harness.Protocol;
using Speck.Harness.State;

namespace Speck.Harness.Deployment;

/// <summary>
/// <c>refresh</c> (docs/pulumi-calls.md §Refresh): Read every custom resource with its old state and inputs; an empty
/// id means it is gone; otherwise the engine diffs inverted (olds = what Read returned, news = the pre-refresh inputs)
/// to show drift, and stores what Read returned. Pending operations other than creates were dropped when it began
/// (<see cref="PendingOperationsAtStart"/>); pending creates stay unless <c>--clear-pending-creates</c> removed them.
/// </summary>
internal static class RefreshRun
{
    public static async Task RunAsync(StateFile state, ResourceCalls calls, int parallel, DeploymentResult result, Engine.Redactor redactor)
    {
        using var gate = new SemaphoreSlim(parallel);
        var resources = state.Snapshot().Where(r => r.Custom && r.Type != ProviderSession.ProviderType).ToList();
        var steps = await Task.WhenAll(resources.Select(async old =>
        {
            await gate.WaitAsync();
            try
            {
                return await RefreshOneAsync(state, calls, old, redactor, w => { lock (result) result.Warnings.Add(redactor.Redact(w)); });
            }
            catch (RpcException e)
            {
                return new ResourceStep(old.Urn, old.Type, old.Name, StepKind.Failed) { Error = $"{old.Urn}: {ProviderError.From(e).Message}" };
            }
            finally
            {
                gate.Release();
            }
        }));
        foreach (var s in steps)
        {
            result.Steps.Add(s);
            if (s.Error is not null) result.Errors.Add(s.Error);
        }
    }

    /// <summary>
    /// RefreshStep.Apply (pkg/resource/deploy/step.go:1541-1730 (pulumi v3.259.0); docs/pulumi-engine.md §Refresh).
    /// An ErrorResourceInitFailed from Read does not fail the refresh: it is a warning, and the state keeps what
    /// the error carried with its reasons as init errors; a healthy Read clears them.
    /// </summary>
    private static async Task<ResourceStep> RefreshOneAsync(StateFile state, ResourceCalls calls, ResourceState old, Engine.Redactor redactor,
        Action<string> warn)
    {
        ReadResult read;
        IReadOnlyList<string> initErrors = [];
        try
        {
            read = await calls.ReadAsync(old.Urn, old.Type, old.Id, old.Outputs, old.Inputs);
        }
        catch (RpcException e) when (ProviderError.From(e) is { IsInitFailure: true } init)
        {
            read = new ReadResult(init.InitId!, init.InitProperties, init.InitInputs);
            Assets.Restore(old.Inputs, read.Inputs);
            Assets.Restore(old.Inputs, read.Outputs);
            initErrors = init.InitReasons;
            warn($"{old.Urn}: Refreshed resource is in an unhealthy state:\n* " + string.Join("\n* ", initErrors));
        }
        if (read.Id.Length == 0)
        {
            state.Remove(old);
            return new ResourceStep(old.Urn, old.Type, old.Name, StepKind.Delete) { Drift = true };
        }
        var outputs = read.Outputs ?? new JsonObject();
        var inputs = read.Inputs ?? old.Inputs;
        redactor.Learn(outputs);
        // An external resource is not diffed: what counts is whether its outputs changed (step.go:1528-1531, 1661-1680 (pulumi v3.259.0)).
        if (old.External)
        {
            // PropertyMap.Diff: the engine's value equality, assets by hash.
            var outputDiff = EngineDiff.Of(old.Outputs, outputs);
            var drifted = outputDiff.AnyChanges;
            state.Swap(old, old with { Id = read.Id, Outputs = outputs, Inputs = inputs, InitErrors = initErrors });
            return new ResourceStep(old.Urn, old.Type, old.Name, drifted ? StepKind.Update : StepKind.Same)
            {
                Drift = drifted, Outputs = outputs, InitErrors = initErrors, External = true,
                Changes = outputDiff.Detailed.Select(kv => new PropertyChange(kv.Key, kv.Value)).ToList(),
            };
        }
        // Inverted: what Read found as the olds, the inputs before the refresh as the news, with the ignoreChanges
        // the state holds (step.go:1697-1707).
        var diff = await calls.DiffAsync(old.Urn, old.Type, read.Id, outputs, inputs, old.Inputs, old.IgnoreChanges);
        var (changed, _, changes) = ResourceCalls.Interpret(diff, inputs, old.Inputs, old.IgnoreChanges);
        state.Swap(old, old with { Id = read.Id, Outputs = outputs, Inputs = inputs, InitErrors = initErrors });
        return new ResourceStep(old.Urn, old.Type, old.Name, changed ? StepKind.Update : StepKind.Same)
        {
            Drift = changed, Changes = changes, Outputs = outputs, InitErrors = initErrors,
        };
    }
}

using Grpc.Core;
using Speck.Harness.Protocol;
using Speck.Harness.State;

namespace Speck.Harness.Deployment;

/// <summary>
/// <c>refresh</c> (protocol doc §3.6): Read every custom resource with its old state and inputs; an empty id means
/// it is gone; otherwise the engine diffs inverted (olds = what Read returned, news = the pre-refresh inputs) to
/// show drift, and stores what Read returned.
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
                return await RefreshOneAsync(state, calls, old, redactor);
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

    private static async Task<ResourceStep> RefreshOneAsync(StateFile state, ResourceCalls calls, ResourceState old, Engine.Redactor redactor)
    {
        var read = await calls.ReadAsync(old.Urn, old.Type, old.Id, old.Outputs, old.Inputs);
        if (read.Id.Length == 0)
        {
            state.Remove(old);
            return new ResourceStep(old.Urn, old.Type, old.Name, StepKind.Delete) { Drift = true };
        }
        var outputs = Structs.ToJson(read.Properties);
        var inputs = read.Inputs is null ? old.Inputs : Structs.ToJson(read.Inputs);
        redactor.Learn(outputs);
        var diff = await calls.DiffAsync(old.Urn, old.Type, read.Id, outputs, inputs, old.Inputs, []);
        var (changed, _, changes) = ResourceCalls.Interpret(diff, inputs, old.Inputs);
        state.Swap(old, old with { Id = read.Id, Outputs = outputs, Inputs = inputs });
        return new ResourceStep(old.Urn, old.Type, old.Name, changed ? StepKind.Update : StepKind.Same)
        {
            Drift = changed, Changes = changes, Outputs = outputs,
        };
    }
}

using Speck.Harness.State;

namespace Speck.Harness.Deployment;

/// <summary>
/// <c>destroy</c> (protocol doc §3.5): Delete every custom resource in reverse dependency order with its old
/// outputs and inputs. A protected resource fails the destroy before anything is deleted. A preview calls nothing.
/// As the engine does, deletes run in parallel (bounded): each one once every resource depending on it is gone.
/// </summary>
internal static class DestroyRun
{
    public static async Task RunAsync(StateFile state, ResourceCalls? calls, int parallel, DeploymentResult result)
    {
        var resources = state.Snapshot().Where(r => r.Custom && r.Type != ProviderSession.ProviderType).ToList();
        var ordered = DeleteSteps.ReverseDependencyOrder(resources);
        var protectedOnes = ordered.Where(r => r.Protect).ToList();
        if (protectedOnes.Count > 0)
        {
            foreach (var p in protectedOnes)
            {
                var message = $"unable to delete resource \"{p.Urn}\" as it is currently marked for protection";
                result.Steps.Add(new ResourceStep(p.Urn, p.Type, p.Name, StepKind.Failed) { Error = message });
                result.Errors.Add(message);
            }
            return;
        }
        if (calls is null)
            foreach (var old in ordered) result.Steps.Add(new ResourceStep(old.Urn, old.Type, old.Name, StepKind.Delete));
        else if (!await DeleteInParallelAsync(state, calls, ordered, parallel, result)) return;
        foreach (var provider in state.Snapshot().Where(r => r.Type == ProviderSession.ProviderType)) state.Remove(provider);
        state.Outputs = new();
        state.Save();
    }

    /// <summary>Deletes each resource after its dependents; the first failure stops new deletes. True when all are gone.</summary>
    private static async Task<bool> DeleteInParallelAsync(StateFile state, ResourceCalls calls, List<ResourceState> ordered, int parallel, DeploymentResult result)
    {
        // By entry, not URN: an old resource a replace left waiting for its delete shares its URN with the new one.
        var done = new Dictionary<ResourceState, TaskCompletionSource<bool>>(ReferenceEqualityComparer.Instance);
        foreach (var r in ordered) done[r] = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var slots = new SemaphoreSlim(Math.Max(1, parallel));
        var gate = new Lock();
        var stopped = false;
        async Task DeleteOneAsync(ResourceState old)
        {
            var dependents = ordered.Where(d => d.Dependencies.Contains(old.Urn)).Select(d => done[d].Task);
            var ok = (await Task.WhenAll(dependents)).All(x => x);
            if (!ok || stopped) { done[old].SetResult(false); return; }
            await slots.WaitAsync();
            try
            {
                if (stopped) { done[old].SetResult(false); return; }
                var error = await DeleteSteps.DeleteAsync(calls, state, old, 0);
                lock (gate)
                {
                    if (error is null) result.Steps.Add(new ResourceStep(old.Urn, old.Type, old.Name, StepKind.Delete));
                    else
                    {
                        stopped = true;
                        result.Steps.Add(new ResourceStep(old.Urn, old.Type, old.Name, StepKind.Failed) { Error = error });
                        result.Errors.Add(error);
                    }
                }
                done[old].SetResult(error is null);
            }
            finally
            {
                slots.Release();
            }
        }
        await Task.WhenAll(ordered.Select(DeleteOneAsync));
        return !stopped && done.Values.All(t => t.Task.Result);
    }
}

using Speck.Harness.State;

namespace Speck.Harness.Deployment;

/// <summary>
/// <c>destroy</c> (docs/pulumi-calls.md §Destroy): Delete every custom resource in reverse dependency order with its
/// old outputs and inputs, then drop the components (no provider call). An external (read) resource is only dropped
/// from the state: its delete calls no provider (step.go:581-587, 657-660 (pulumi v3.259.0)). A protected resource fails the destroy before anything is deleted. A preview calls nothing.
/// As the engine does, deletes run in parallel antichains (docs/pulumi-engine.md §Deletes).
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
            foreach (var old in ordered) result.Steps.Add(new ResourceStep(old.Urn, old.Type, old.Name, StepKind.Delete) { External = old.External });
        else if (!await DeleteInParallelAsync(state, calls, ordered, parallel, result)) return;
        // Components (the root stack of a program in another language) have no provider: their delete is the state's alone.
        foreach (var component in DeleteSteps.ReverseDependencyOrder(state.Snapshot().Where(r => !r.Custom).ToList()))
        {
            state.Remove(component);
            result.Steps.Add(new ResourceStep(component.Urn, component.Type, component.Name, StepKind.Delete));
        }
        foreach (var provider in state.Snapshot().Where(r => r.Type == ProviderSession.ProviderType)) state.Remove(provider);
        state.Outputs = new();
        state.Save();
    }

    /// <summary>The deletes in antichains (DeleteSteps.RunAsync): a failure spares only what the failed resource depends on. True when all are gone.</summary>
    private static async Task<bool> DeleteInParallelAsync(StateFile state, ResourceCalls calls, List<ResourceState> ordered, int parallel, DeploymentResult result)
    {
        var failed = false;
        await DeleteSteps.RunAsync(ordered, ordered, parallel, old => DeleteSteps.DeleteAsync(calls, state, old, 0), (old, error) =>
        {
            if (error is null) result.Steps.Add(new ResourceStep(old.Urn, old.Type, old.Name, StepKind.Delete) { External = old.External });
            else
            {
                failed = true;
                result.Steps.Add(new ResourceStep(old.Urn, old.Type, old.Name, StepKind.Failed) { Error = error });
                result.Errors.Add(error);
            }
        });
        return !failed;
    }
}

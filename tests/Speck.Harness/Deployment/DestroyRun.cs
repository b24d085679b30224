using Speck.Harness.State;

namespace Speck.Harness.Deployment;

/// <summary>
/// <c>destroy</c> (protocol doc §3.5): Delete every custom resource in reverse dependency order with its old
/// outputs and inputs. A protected resource fails the destroy before anything is deleted. A preview calls nothing.
/// </summary>
internal static class DestroyRun
{
    public static async Task RunAsync(StateFile state, ResourceCalls? calls, DeploymentResult result)
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
        foreach (var old in ordered)
        {
            if (calls is null)
            {
                result.Steps.Add(new ResourceStep(old.Urn, old.Type, old.Name, StepKind.Delete));
                continue;
            }
            if (await DeleteSteps.DeleteAsync(calls, state, old, 0) is { } error)
            {
                result.Steps.Add(new ResourceStep(old.Urn, old.Type, old.Name, StepKind.Failed) { Error = error });
                result.Errors.Add(error);
                return;
            }
            result.Steps.Add(new ResourceStep(old.Urn, old.Type, old.Name, StepKind.Delete));
        }
        foreach (var provider in state.Snapshot().Where(r => r.Type == ProviderSession.ProviderType)) state.Remove(provider);
        state.Outputs = new();
        state.Save();
    }
}

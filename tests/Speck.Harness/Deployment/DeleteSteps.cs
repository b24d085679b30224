using Grpc.Core;
using Speck.Harness.State;

namespace Speck.Harness.Deployment;

/// <summary>Deletes in reverse dependency order (dependents first), as the end of <c>up</c> and <c>destroy</c> do.</summary>
internal static class DeleteSteps
{
    /// <summary>Orders resources so that every resource comes before the ones it depends on.</summary>
    public static List<ResourceState> ReverseDependencyOrder(IReadOnlyList<ResourceState> resources)
    {
        var ordered = new List<ResourceState>();
        var visiting = new HashSet<ResourceState>();
        void Visit(ResourceState r)
        {
            if (ordered.Contains(r) || !visiting.Add(r)) return;
            foreach (var dep in resources.Where(d => r.Dependencies.Contains(d.Urn))) Visit(dep);
            ordered.Add(r);
        }
        foreach (var r in resources) Visit(r);
        ordered.Reverse();
        return ordered;
    }

    /// <summary>Runs one Delete with its pending operation; returns the error, or null when the resource is gone.</summary>
    public static async Task<string?> DeleteAsync(ResourceCalls calls, StateFile state, ResourceState old, double timeout)
    {
        if (old.Protect) return $"unable to delete resource \"{old.Urn}\" as it is currently marked for protection";
        var op = state.BeginOperation(old, "deleting");
        try
        {
            await calls.DeleteAsync(old, timeout);
        }
        catch (RpcException e)
        {
            var error = ProviderError.From(e);
            if (!error.OutcomeUnknown) state.EndOperation(op);
            return $"deleting {old.Urn}: {error.Message}";
        }
        state.Remove(old);
        state.EndOperation(op);
        return null;
    }
}

using Grpc.Core;
using Speck.Harness.State;

namespace Speck.Harness.Deployment;

/// <summary>Deletes as the end of <c>up</c> and <c>destroy</c> do them: in antichains, each one in parallel (docs/pulumi-engine.md §Deletes).</summary>
public static class DeleteSteps
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

    /// <summary>
    /// ScheduleDeletes (pkg/resource/deploy/step_generator.go:2747-2796 (pulumi v3.259.0)): peel off the condemned
    /// resources none of whose dependencies are still condemned, round by round, then reverse, so that each
    /// antichain holds resources that do not depend on one another and comes after everything depending on them.
    /// </summary>
    public static List<List<ResourceState>> Antichains(IReadOnlyList<ResourceState> doomed)
    {
        var condemned = new List<ResourceState>(doomed);
        var chains = new List<List<ResourceState>>();
        while (condemned.Count > 0)
        {
            var free = condemned.Where(r => !condemned.Any(d => !ReferenceEquals(d, r) && r.Dependencies.Contains(d.Urn))).ToList();
            if (free.Count == 0) free = [condemned[0]]; // a cycle cannot come from a program; do not spin on a corrupt state
            foreach (var f in free) condemned.Remove(f);
            chains.Add(free);
        }
        chains.Reverse();
        return chains;
    }

    /// <summary>
    /// Runs the antichains one after the other, each one's deletes in parallel (bounded by <paramref name="parallel"/>,
    /// the step executor's workers). After a failure the resources the failed one depends on are left alone, the
    /// others still go (deployment_executor.go:501-553 (pulumi v3.259.0)). Returns the errors.
    /// </summary>
    public static async Task RunAsync(IReadOnlyList<ResourceState> doomed, IReadOnlyList<ResourceState> graph, int parallel,
        Func<ResourceState, Task<string?>> delete, Action<ResourceState, string?> completed)
    {
        var erroredDeps = new HashSet<string>(StringComparer.Ordinal);
        using var slots = new SemaphoreSlim(Math.Max(1, parallel));
        foreach (var chain in Antichains(doomed))
        {
            var failed = new List<ResourceState>();
            await Task.WhenAll(chain.Where(r => !erroredDeps.Contains(r.Urn)).Select(async r =>
            {
                await slots.WaitAsync();
                try
                {
                    var error = await delete(r);
                    lock (failed) { if (error is not null) failed.Add(r); completed(r, error); }
                }
                finally
                {
                    slots.Release();
                }
            }));
            foreach (var f in failed) TransitiveDependencies(f, graph, erroredDeps);
        }
    }

    private static void TransitiveDependencies(ResourceState r, IReadOnlyList<ResourceState> graph, HashSet<string> into)
    {
        foreach (var dep in r.Dependencies)
            if (into.Add(dep) && graph.FirstOrDefault(g => g.Urn == dep) is { } d) TransitiveDependencies(d, graph, into);
    }

    /// <summary>Runs one Delete with its pending operation; returns the error, or null when the resource is gone.</summary>
    internal static async Task<string?> DeleteAsync(ResourceCalls calls, StateFile state, ResourceState old, double timeout)
    {
        if (old.Protect) return $"unable to delete resource \"{old.Urn}\" as it is currently marked for protection";
        var op = state.BeginOperation(old, PendingOperationTypes.Deleting);
        try
        {
            // An external resource's delete calls no provider: Pulumi does not own it; nor does a retainOnDelete one's,
            // which the user asked to keep (DeleteStep.Apply, step.go:657-662 (pulumi v3.259.0)). Both leave the state.
            if (!old.External && !old.RetainOnDelete) await calls.DeleteAsync(old, timeout);
        }
        catch (RpcException e)
        {
            // A delete that came back ends its pending operation, failed or not (ResourceSteps.Failed says where the engine does so).
            if (calls.Terminated) throw calls.Termination(e);
            state.EndOperation(op);
            return $"deleting {old.Urn}: {ProviderError.From(e).Message}";
        }
        state.Remove(old);
        state.EndOperation(op);
        return null;
    }
}

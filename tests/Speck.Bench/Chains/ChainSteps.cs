using System.Diagnostics;
using Speck.Harness.Deployment;

namespace Speck.Bench.Chains;

/// <summary>One timed harness step of a chain run, on Flink or Node-RED sites alike.</summary>
internal static class ChainSteps
{
    public static async Task<(DeploymentResult Result, double Ms)> TimedAsync(Func<Task<DeploymentResult>> op)
    {
        var sw = Stopwatch.StartNew();
        var r = await op();
        return (r, sw.Elapsed.TotalMilliseconds);
    }

    /// <summary>A failed step ends the run: its numbers would measure an error, not a deployment.</summary>
    public static void Ensure(DeploymentResult r, string what, string chain, int jobs)
    {
        if (!r.Succeeded)
            throw new InvalidOperationException($"{what} of a {chain} of {jobs} failed: {string.Join("; ", r.Errors.Take(3))}\n{r.ProviderStderr}");
    }
}

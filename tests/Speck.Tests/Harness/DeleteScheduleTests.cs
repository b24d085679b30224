using Speck.Harness.Deployment;
using Speck.Harness.State;

namespace Speck.Tests.Harness;

/// <summary>Deletes in antichains, as the engine's ScheduleDeletes and delete loop (docs/pulumi-engine.md §Deletes).</summary>
[Trait("Category", "Unit")]
public class DeleteScheduleTests
{
    private static ResourceState R(string name, params string[] deps) =>
        new() { Urn = $"urn:pulumi:s::p::t::{name}", Type = "t", Dependencies = deps.Select(d => $"urn:pulumi:s::p::t::{d}").ToList() };

    [Fact]
    public void Antichains_put_independent_resources_together_and_dependents_first()
    {
        var (site, a, b, job) = (R("site"), R("a", "site"), R("b", "site"), R("job", "a", "b"));

        var chains = DeleteSteps.Antichains([site, a, b, job]);

        Assert.Equal([["job"], ["a", "b"], ["site"]], chains.Select(c => c.Select(r => r.Name).Order().ToList()).ToList());
    }

    [Fact]
    public async Task Independent_deletes_run_at_once_and_a_failure_spares_only_what_the_failed_one_depends_on()
    {
        var (site, other, a, b) = (R("site"), R("other"), R("a", "site"), R("b"));
        var aStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var deleted = new List<string>();

        await DeleteSteps.RunAsync([site, other, a, b], [site, other, a, b], parallel: 4, async r =>
        {
            // b waits for a to have started: run one at a time, this never finishes.
            if (r.Name == "a") aStarted.SetResult();
            if (r.Name == "b") await aStarted.Task.WaitAsync(TimeSpan.FromMinutes(1));
            return r.Name == "a" ? "deleting a: refused" : null;
        }, (r, error) => { if (error is null) deleted.Add(r.Name); }).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(["b", "other"], deleted.Order());
    }
}

using System.Text.Json.Nodes;
using Speck.Harness;
using Speck.Harness.Deployment;
using Speck.Harness.State;

namespace Speck.Tests.Harness;

/// <summary>How the engine records a provider call that fails cleanly.</summary>
[Collection(HarnessCollection.Name)]
public class FailureTests(SitesFixture sites)
{
    [Fact]
    public async Task A_create_that_fails_cleanly_records_nothing_leaves_no_pending_operation_and_skips_dependents()
    {
        const string project = "failure-test";
        var config = Programs.Config(project, sites, sites.Lab);
        config[$"{project}:brokerUrl"] = "mqtt://127.0.0.1:1";
        using var dir = new ProgramDir(Programs.WithSite(project, Programs.Topic("t", Programs.Unique("fail/t"))), config);

        var up = await dir.Stack.UpAsync();

        Assert.True(up.Preview!.Succeeded, string.Join("\n", up.Preview.Errors));
        Assert.False(up.Succeeded);
        var site = up.Step("site");
        Assert.Equal(StepKind.Failed, site.Kind);
        Assert.Contains("127.0.0.1:1", site.Error);
        Assert.Equal("Unavailable", up.Calls.Single(c => c.Method == "Create").Code);
        Assert.Equal(StepKind.Skipped, up.Step("t").Kind);
        var state = JsonNode.Parse(dir.StateText)!;
        Assert.Empty(state["pending_operations"]!.AsArray());
        Assert.DoesNotContain(state["resources"]!.AsArray(), r => r!["type"]!.GetValue<string>() == "speck:index:SpeSite");
    }

    [Fact]
    public async Task Pending_operations_of_an_earlier_run_are_reported_by_the_next_update_which_keeps_only_the_creates()
    {
        const string project = "pending-test";
        using var dir = new ProgramDir(Programs.WithSite(project, ""), Programs.Config(project, sites, sites.Lab));
        try
        {
            Assert.True((await dir.Stack.UpAsync()).Succeeded);
            // What a terminated update leaves behind: an update of the site and a create whose outcome nobody saw.
            var state = dir.Stack.LoadState();
            var site = state.Resources.Single(r => r.Name == "site");
            var ghost = new ResourceState { Urn = site.Urn.Replace("SpeSite::site", "Topic::ghost"), Type = "speck:index:Topic" };
            state.BeginOperation(site, PendingOperationTypes.Updating);
            state.BeginOperation(ghost, PendingOperationTypes.Creating);

            // A preview goes ahead and says nothing; the update warns with the engine's text and goes ahead.
            var up = await dir.Stack.UpAsync();
            Assert.True(up.Succeeded, string.Join("\n", up.Errors));
            Assert.DoesNotContain(up.Preview!.Warnings, w => w.Contains("pending operations", StringComparison.Ordinal));
            var warning = Assert.Single(up.Warnings, w => w.Contains("pending operations", StringComparison.Ordinal));
            Assert.StartsWith("Attempting to deploy or update resources with 2 pending operations from previous deployment.\n", warning);
            Assert.Contains($"  * {site.Urn}, interrupted while updating\n", warning);
            Assert.Contains($"  * {ghost.Urn}, interrupted while creating\n", warning);
            Assert.Equal(StepKind.Same, up.Step("site").Kind);
            var kept = Assert.Single(dir.Stack.LoadState().PendingOperations);
            Assert.Equal((ghost.Urn, PendingOperationTypes.Creating), (kept.Resource.Urn, kept.Type));

            // Run non-interactively, refresh leaves the pending create; --clear-pending-creates drops it.
            Assert.True((await dir.Stack.RefreshAsync()).Succeeded);
            Assert.Single(dir.Stack.LoadState().PendingOperations);
            Assert.True((await dir.Stack.RefreshAsync(new RefreshOptions { ClearPendingCreates = true })).Succeeded);
            Assert.Empty(JsonNode.Parse(dir.StateText)!["pending_operations"]!.AsArray());
            var again = await dir.Stack.UpAsync();
            Assert.DoesNotContain(again.Warnings, w => w.Contains("pending operations", StringComparison.Ordinal));
        }
        finally
        {
            await dir.Stack.DestroyAsync();
        }
    }

    [Fact]
    public async Task A_destroy_after_an_interrupted_replace_deletes_the_old_and_the_new_resource()
    {
        const string project = "interrupted-replace-test";
        using var dir = new ProgramDir(Programs.WithSite(project, Programs.Topic("t", Programs.Unique("irep/t"))), Programs.Config(project, sites, sites.Lab));
        Assert.True((await dir.Stack.UpAsync()).Succeeded);
        // A new name replaces the topic (create before delete); a site that fails stops the update before the old one's delete.
        const string unreachable = "site2:\n  type: speck:index:SpeSite\n  properties:\n    tier: edge\n" +
            "    spe: { kind: nodered, url: \"${speUrl}\" }\n    broker: { kind: mqtt, url: \"mqtt://127.0.0.1:1\" }\n";
        dir.WriteProgram(Programs.WithSite(project, Programs.Topic("t", Programs.Unique("irep/t")) + unreachable));
        var failed = await dir.Stack.UpAsync(skipPreview: true);
        Assert.False(failed.Succeeded);
        var topics = dir.Stack.LoadState().Resources.Where(r => r.Name == "t").ToList();
        Assert.Equal(2, topics.Count);
        Assert.Single(topics, r => r.Delete);

        var destroy = await dir.Stack.DestroyAsync();

        Assert.True(destroy.Succeeded, string.Join("\n", destroy.Errors));
        Assert.Equal(2, destroy.Steps.Count(st => st.Name == "t" && st.Kind == StepKind.Delete));
        Assert.Empty(dir.Stack.LoadState().Resources);
    }
}

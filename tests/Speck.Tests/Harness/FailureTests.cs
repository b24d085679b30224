using System.Text.Json.Nodes;
using Speck.Harness.Deployment;

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
        Assert.Empty(state["pendingOperations"]!.AsArray());
        Assert.DoesNotContain(state["resources"]!.AsArray(), r => r!["type"]!.GetValue<string>() == "speck:index:SpeSite");
    }

    [Fact]
    public async Task An_operation_left_pending_blocks_the_next_update_until_a_refresh_settles_it()
    {
        const string project = "pending-test";
        using var dir = new ProgramDir(Programs.WithSite(project, ""), Programs.Config(project, sites, sites.Lab));
        try
        {
            Assert.True((await dir.Stack.UpAsync()).Succeeded);
            // What an update whose provider answered Unknown leaves behind.
            var state = dir.Stack.LoadState();
            state.BeginOperation(state.Resources.Single(r => r.Name == "site"), "updating");

            var blocked = await dir.Stack.PreviewAsync();
            Assert.False(blocked.Succeeded);
            Assert.Contains(blocked.Errors, e => e.Contains("updating", StringComparison.Ordinal) && e.Contains("refresh", StringComparison.Ordinal));
            Assert.DoesNotContain(blocked.Calls, c => c.Method is "Check" or "Create" or "Update");

            var refresh = await dir.Stack.RefreshAsync();
            Assert.True(refresh.Succeeded, string.Join("\n", refresh.Errors));
            Assert.Empty(dir.Stack.LoadState().PendingOperations);
            var preview = await dir.Stack.PreviewAsync();
            Assert.True(preview.Succeeded, string.Join("\n", preview.Errors));
            Assert.Equal(StepKind.Same, preview.Step("site").Kind);
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

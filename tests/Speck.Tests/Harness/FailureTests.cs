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
}

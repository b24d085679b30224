using System.Text.Json.Nodes;
using Speck.Harness;
using Speck.Harness.Deployment;
using Speck.Testbed.Mosquitto;

namespace Speck.Tests.Harness;

/// <summary>examples/sites-and-topics through the engine harness against real Mosquitto brokers and Node-RED.</summary>
[Collection(HarnessCollection.Name)]
public class ExampleLifecycleTests(SitesFixture sites)
{
    private const string Project = "sites-and-topics";

    private static string Example => File.ReadAllText(Path.Combine(RepoPaths.Examples, "sites-and-topics", "Pulumi.yaml"));

    [Fact]
    public async Task Preview_up_change_refresh_and_destroy_drive_the_brokers_as_the_engine_would()
    {
        var raw = $"sensors/raw-{Guid.NewGuid():N}"[..24];
        var config = sites.ExampleConfig(Project);
        config[$"{Project}:rawTopic"] = raw;
        using var dir = new ProgramDir(Example, config);
        var stack = dir.Stack;

        // Preview: everything to create, nothing on the brokers, no real Create and never a Delete.
        var preview = await stack.PreviewAsync();
        Assert.True(preview.Succeeded, string.Join("\n", preview.Errors));
        Assert.Equal(5, preview.Count(StepKind.Create));
        Assert.Empty(await SitesFixture.SpeckRolesAsync(sites.Edge));
        Assert.All(preview.Calls.Where(c => c.Method is "Create" or "Update"), c => Assert.True(c.Preview));
        Assert.DoesNotContain(preview.Calls, c => c.Method == "Delete");
        Assert.Equal(["Handshake", "GetPluginInfo", "CheckConfig", "Configure"], preview.Calls.Take(4).Select(c => c.Method));

        // Up: preview in one provider process, the update in a fresh one; roles appear on the edge broker.
        var up = await stack.UpAsync();
        Assert.True(up.Succeeded, string.Join("\n", up.Errors));
        Assert.Equal(5, up.Count(StepKind.Create));
        Assert.True(up.Preview!.Succeeded);
        Assert.All(up.Calls, c => Assert.NotEqual(up.Preview.Calls[0].Process, c.Process));
        Assert.Equal(["Handshake", "GetPluginInfo", "CheckConfig", "Configure"], up.Calls.Take(4).Select(c => c.Method));
        var roles = await SitesFixture.SpeckRolesAsync(sites.Edge);
        Assert.Equal(4, roles.Count);
        Assert.Contains(up.Outputs["rawPublishRole"]!.GetValue<string>(), roles);
        Assert.Equal(2, (await SitesFixture.SpeckRolesAsync(sites.Cloud)).Count);
        // Each topic's Check waited for its site's Create: references are dependencies.
        var siteCreate = Index(up, "Create", "edge");
        Assert.True(Index(up, "Check", "raw") > siteCreate && Index(up, "Check", "clean") > siteCreate);

        // Unchanged up: Diff for every resource, nothing else changes.
        var again = await stack.UpAsync();
        Assert.True(again.Succeeded, string.Join("\n", again.Errors));
        Assert.Equal(5, again.Count(StepKind.Same));
        Assert.Equal(5, again.Calls.Count(c => c.Method == "Diff"));
        Assert.DoesNotContain(again.Calls, c => c.Method is "Create" or "Update" or "Delete");

        // Changed up: labels update the site in place; a renamed topic is replaced create-before-delete; the other
        // renamed topic has deleteBeforeReplace, so its old roles go first.
        var changed = Example
            .Replace("labels: { region: lab }", "labels: { region: lab, owner: ops }")
            .Replace("name: sensors/clean", "name: sensors/clean2")
            .Replace("      name: traffic/merged\n", "      name: traffic/merged2\n    options:\n      deleteBeforeReplace: true\n");
        dir.WriteProgram(changed);
        var update = await stack.UpAsync();
        Assert.True(update.Succeeded, string.Join("\n", update.Errors));
        var edge = update.Step("edge");
        Assert.Equal(StepKind.Update, edge.Kind);
        Assert.Contains(edge.Changes, c => c.Path == "labels.owner" && c.Kind == "ADD");
        Assert.Equal(StepKind.Update, update.Preview!.Step("edge").Kind);
        Assert.Equal(StepKind.Replace, update.Step("clean").Kind);
        Assert.Contains(update.Step("clean").Changes, c => c is { Path: "name", IsReplace: true });
        Assert.False(update.Step("clean").DeleteBeforeReplace);
        Assert.True(update.Step("merged").DeleteBeforeReplace);
        Assert.Equal(StepKind.Same, update.Step("raw").Kind);

        var cleanCreate = Index(update, "Create", "clean");
        var cleanDelete = Index(update, "Delete", "clean");
        Assert.True(cleanCreate < cleanDelete, "create-before-delete: the new topic is created before the old one is deleted");
        Assert.Equal(update.Calls.Count - 1, cleanDelete);
        Assert.True(Index(update, "Delete", "merged") < Index(update, "Create", "merged"), "deleteBeforeReplace deletes first");
        Assert.Equal(2, update.Calls.Count(c => c.Method == "Check" && c.Urn!.EndsWith("::clean", StringComparison.Ordinal)));
        Assert.DoesNotContain(update.Preview.Calls, c => c.Method == "Delete");

        var edgeRoles = await SitesFixture.SpeckRolesAsync(sites.Edge);
        Assert.Contains(edgeRoles, r => r.Contains("sensors_clean2", StringComparison.Ordinal));
        Assert.DoesNotContain(edgeRoles, r => r.Contains("sensors_clean-", StringComparison.Ordinal));
        var cloudRoles = await SitesFixture.SpeckRolesAsync(sites.Cloud);
        Assert.Equal(2, cloudRoles.Count);
        Assert.All(cloudRoles, r => Assert.Contains("traffic_merged2", r));

        // Out-of-band change: an operator deletes the raw topic's publish role; refresh reports the drift.
        var rawPublishRole = update.Outputs["rawPublishRole"]!.GetValue<string>();
        await MosquittoCtrl.DynsecAsync(sites.Edge, ["deleteRole", rawPublishRole]);
        var refresh = await stack.RefreshAsync();
        Assert.True(refresh.Succeeded, string.Join("\n", refresh.Errors));
        var drift = refresh.Step("raw");
        Assert.True(drift.Drift);
        Assert.Contains(drift.Changes, c => c.Path == "inSync");
        Assert.False(refresh.Step("clean").Drift);
        Assert.Contains(refresh.Logs, l => l.Urn.EndsWith("::raw", StringComparison.Ordinal) && l.Message.Contains(rawPublishRole));
        Assert.Equal(["Handshake", "GetPluginInfo", "Configure"], refresh.Calls.Take(3).Select(c => c.Method));

        // The next up repairs it.
        var repair = await stack.UpAsync();
        Assert.True(repair.Succeeded, string.Join("\n", repair.Errors));
        Assert.Equal(StepKind.Update, repair.Step("raw").Kind);
        Assert.Contains(rawPublishRole, await SitesFixture.SpeckRolesAsync(sites.Edge));

        // Destroy: dependents first, and the brokers keep no speck roles.
        var destroy = await stack.DestroyAsync();
        Assert.True(destroy.Succeeded, string.Join("\n", destroy.Errors));
        Assert.Equal(5, destroy.Count(StepKind.Delete));
        var deletes = destroy.Calls.Where(c => c.Method == "Delete").Select(c => c.Urn!).ToList();
        Assert.True(deletes.FindIndex(u => u.EndsWith("::raw", StringComparison.Ordinal)) < deletes.FindIndex(u => u.EndsWith("::edge", StringComparison.Ordinal)));
        Assert.Empty(await SitesFixture.SpeckRolesAsync(sites.Edge));
        Assert.Empty(await SitesFixture.SpeckRolesAsync(sites.Cloud));
        Assert.Empty(JsonNode.Parse(dir.StateText)!["resources"]!.AsArray());
    }

    private static int Index(DeploymentResult r, string method, string name) =>
        r.Calls.FindIndex(c => c.Method == method && c.Urn is { } u && u.EndsWith("::" + name, StringComparison.Ordinal));
}

using Speck.Harness.Deployment;

namespace Speck.Tests.Harness;

/// <summary>
/// The <c>import:</c> option: Read with only the id, recorded; then Check and Diff as for any resource in the state
/// (docs/pulumi-engine.md §Import). A replacement of a resource the program still imports is an error (a warning in preview).
/// </summary>
[Collection(HarnessCollection.Name)]
public class ImportTests(SitesFixture sites)
{
    [Fact]
    public async Task Import_adopts_an_existing_topic_and_refuses_one_whose_inputs_differ()
    {
        const string project = "import-test";
        var topic = Programs.Unique("import/t");
        // The provider reads the broker with the admin login of its configuration (the ID carries no credentials).
        var credentials = Path.Combine(Path.GetTempPath(), $"speck-credentials-{Guid.NewGuid():N}.json");
        File.WriteAllText(credentials, new System.Text.Json.Nodes.JsonObject
        {
            ["brokers"] = new System.Text.Json.Nodes.JsonObject { [sites.Lab.Url] = new System.Text.Json.Nodes.JsonObject { ["adminUsername"] = "admin", ["adminPassword"] = sites.Lab.AdminPassword } },
        }.ToJsonString());
        var config = new Dictionary<string, string>(Programs.Config(project, sites, sites.Lab)) { ["speck:credentials"] = credentials };
        var id = $"site/{topic}?tier=edge&spe=nodered:{sites.Engine.Url}&broker={sites.Lab.Url}";
        using var owner = new ProgramDir(Programs.WithSite(project, Programs.Topic("t", topic)), config, stack: "owner");
        using var adopter = new ProgramDir(Programs.WithSite(project, Programs.Topic("t", topic, $"options:\n  import: \"{id}\"")), config, stack: "adopter");
        using var mismatch = new ProgramDir(Programs.WithSite(project, Programs.Topic("t", topic + "-other", $"options:\n  import: \"{id}\"")), config, stack: "mismatch");
        try
        {
            var made = await owner.Stack.UpAsync();
            Assert.True(made.Succeeded, string.Join("\n", made.Errors));

            // The preview cannot know the new site's connection, so it shows the import followed by an update; the
            // update finds nothing to change, and the engine takes no step after an import that changes nothing
            // (step_generator.go:1901-1906), so `pulumi up --plan` would report the planned update as never seen.
            var imported = await adopter.Stack.UpWithoutPlanAsync("the preview's planned update of an import whose inputs were unknown is never consumed");
            Assert.True(imported.Succeeded, string.Join("\n", imported.Errors));
            Assert.Equal(StepKind.Update, imported.Preview!.Step("t").Kind);
            Assert.True(imported.Preview!.Step("t").Imported);
            Assert.Equal(StepKind.Import, imported.Step("t").Kind);
            var topicCalls = imported.Calls.Where(c => c.Urn?.EndsWith("::t", StringComparison.Ordinal) == true).ToList();
            Assert.Equal(["Read", "Check", "Diff"], topicCalls.Select(c => c.Method));
            Assert.Equal(id, topicCalls[0].Request["id"]!.GetValue<string>());
            Assert.False(topicCalls[0].Request.ContainsKey("properties"));
            Assert.False(topicCalls[0].Request.ContainsKey("inputs"));
            var recorded = adopter.Stack.LoadState().Resources.Single(r => r.Name == "t");
            Assert.Equal($"site/{topic}", recorded.Id); // the resource's own ID, as Read answers it
            Assert.Equal(made.Step("t").Outputs!["publishRole"]!.GetValue<string>(), recorded.Outputs["publishRole"]!.GetValue<string>());

            // Another name is another topic: a replacement, which would change the id the program imports.
            var refused = await mismatch.Stack.UpAsync();
            Assert.False(refused.Succeeded);
            Assert.Contains(refused.Preview!.Warnings, w => w.Contains("previously-imported resources that still specify an ID may not be replaced", StringComparison.Ordinal));
            Assert.Equal(StepKind.Replace, refused.Preview!.Step("t").Kind);
            Assert.Contains(refused.Errors, e => e.Contains("may not be replaced", StringComparison.Ordinal) && e.Contains("name:", StringComparison.Ordinal));
            Assert.DoesNotContain(refused.Calls, c => c.Method is "Create" or "Delete" && c.Urn!.EndsWith("::t", StringComparison.Ordinal));
            // The import step itself completed before the replacement was refused, so the state holds what Read found.
            Assert.Equal($"site/{topic}", mismatch.Stack.LoadState().Resources.Single(r => r.Name == "t").Id);
        }
        finally
        {
            await mismatch.Stack.DestroyAsync();
            await adopter.Stack.DestroyAsync();
            await owner.Stack.DestroyAsync();
            File.Delete(credentials);
        }
        Assert.DoesNotContain(await SitesFixture.SpeckRolesAsync(sites.Lab), r => r.Contains(topic.Replace('/', '_'), StringComparison.Ordinal));
    }
}

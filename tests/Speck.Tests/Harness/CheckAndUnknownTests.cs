using System.Text.Json.Nodes;
using Speck.Harness;
using Speck.Harness.Deployment;
using Speck.Harness.Protocol;

namespace Speck.Tests.Harness;

[Collection(HarnessCollection.Name)]
public class CheckAndUnknownTests(SitesFixture sites)
{
    [Fact]
    public async Task An_invalid_property_fails_check_naming_it_and_nothing_is_created()
    {
        const string project = "check-test";
        var config = Programs.Config(project, sites, sites.Lab);
        config[$"{project}:speUrl"] = "not a url";
        using var dir = new ProgramDir(Programs.WithSite(project, Programs.Topic("t", Programs.Unique("check/t"))), config);

        var up = await dir.Stack.UpAsync();

        Assert.False(up.Succeeded);
        var site = up.Preview!.Step("site");
        Assert.Equal(StepKind.Failed, site.Kind);
        Assert.Contains(site.CheckFailures, f => f.StartsWith("spe.url:", StringComparison.Ordinal) && f.Contains("not a url"));
        Assert.Equal(StepKind.Skipped, up.Preview.Step("t").Kind);
        Assert.Empty(up.Calls);
        Assert.DoesNotContain(up.Preview.Calls, c => c.Method == "Create");
        var printed = new StringWriter();
        Summary.Write(up.Preview, printed);
        Assert.Contains("invalid property spe.url", printed.ToString());
    }

    [Fact]
    public async Task A_topic_name_with_a_wildcard_fails_check_naming_name_once_its_site_is_known()
    {
        const string project = "check-topic";
        using var dir = new ProgramDir(Programs.WithSite(project, Programs.Topic("t", "sensors/#")), Programs.Config(project, sites, sites.Lab));
        try
        {
            var up = await dir.Stack.UpAsync();

            // In preview the site's connection is unknown, so the topic cannot be judged yet; the update judges it.
            Assert.True(up.Preview!.Succeeded, string.Join("\n", up.Preview.Errors));
            Assert.False(up.Succeeded);
            Assert.Contains(up.Step("t").CheckFailures, f => f.StartsWith("name:", StringComparison.Ordinal) && f.Contains('#'));
            Assert.Equal(StepKind.Create, up.Step("site").Kind);
            Assert.DoesNotContain(up.Calls, c => c.Method == "Create" && c.Urn!.EndsWith("::t", StringComparison.Ordinal));
        }
        finally
        {
            await dir.Stack.DestroyAsync();
        }
    }

    [Fact]
    public async Task Unknown_values_in_preview_flow_through_check_and_create_and_resolve_in_the_update()
    {
        const string project = "unknown-test";
        var program = Programs.WithSite(project, Programs.Topic("t", "unknown/${site.id}/" + Guid.NewGuid().ToString("N")[..6]),
            outputs: "topicName: ${t.name}\ntopicRole: ${t.publishRole}");
        using var dir = new ProgramDir(program, Programs.Config(project, sites, sites.Lab));
        try
        {
            var preview = await dir.Stack.PreviewAsync();
            Assert.True(preview.Succeeded, string.Join("\n", preview.Errors));
            Assert.Equal(StepKind.Create, preview.Step("t").Kind);
            var check = preview.Calls.Single(c => c.Method == "Check" && c.Urn!.EndsWith("::t", StringComparison.Ordinal));
            Assert.Equal(Sig.Unknown, check.Request["news"]!["name"]!.GetValue<string>());
            var create = preview.Calls.Single(c => c.Method == "Create" && c.Urn!.EndsWith("::t", StringComparison.Ordinal));
            Assert.True(create.Preview);
            Assert.Equal(Sig.Unknown, create.Request["properties"]!["name"]!.GetValue<string>());
            Assert.True(Sig.IsUnknown(preview.Outputs["topicName"]));

            var up = await dir.Stack.UpAsync();
            Assert.True(up.Succeeded, string.Join("\n", up.Errors));
            Assert.StartsWith("unknown/site/", up.Outputs["topicName"]!.GetValue<string>());
            Assert.DoesNotContain(up.Calls, c => JsonNode.DeepEquals(c.Request["news"]?["name"], JsonValue.Create(Sig.Unknown)));
        }
        finally
        {
            await dir.Stack.DestroyAsync();
        }
    }
}

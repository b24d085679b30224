using System.Text.Json.Nodes;
using Speck.Harness.Deployment;
using Speck.Harness.Protocol;

namespace Speck.Tests.Harness;

/// <summary>Engine behaviours copied from pulumi v3.259.0 (docs/pulumi-engine.md), on the real local sites.</summary>
[Collection(HarnessCollection.Name)]
public class EngineFidelityTests(SitesFixture sites)
{
    private static string Program(string project, string topicOptions = "", string outputs = "") => $$"""
        name: {{project}}
        runtime: yaml
        config:
          speUrl: { type: string }
          brokerUrl: { type: string }
          adminPassword: { type: string, secret: true, default: "" }
          tier: { type: string, default: edge }
          topicName: { type: string }
        resources:
          site:
            type: speck:index:SpeSite
            properties:
              tier: ${tier}
              spe: { kind: nodered, url: "${speUrl}" }
              broker: { kind: mqtt, url: "${brokerUrl}", adminUsername: admin, adminPassword: "${adminPassword}" }
          t:
            type: speck:index:Topic
            properties:
              site: ${site.connection}
              name: ${topicName}
        {{topicOptions}}
        outputs:
          endpoint: ${t.name}
        {{outputs}}
        """;

    private Dictionary<string, string> Config(string project, string topic, string tier = "edge") => new(Programs.Config(project, sites, sites.Lab))
    {
        [$"{project}:topicName"] = topic, [$"{project}:tier"] = tier,
    };

    [Fact]
    public async Task The_first_preview_configures_the_new_default_provider_with_the_unknown_id_and_an_unchanged_up_writes_the_state_once()
    {
        const string project = "fidelity-provider";
        using var dir = new ProgramDir(Program(project), Config(project, Programs.Unique("fid/p")));
        try
        {
            var preview = await dir.Stack.PreviewAsync();
            Assert.True(preview.Succeeded, string.Join("\n", preview.Errors));
            Assert.Equal(Sig.Unknown, preview.Calls.Single(c => c.Method == "Configure").Request["id"]!.GetValue<string>());

            var up = await dir.Stack.UpAsync();
            Assert.True(up.Succeeded, string.Join("\n", up.Errors));
            var id = up.Calls.Single(c => c.Method == "Configure").Request["id"]!.GetValue<string>();
            Assert.True(Guid.TryParse(id, out _), id);

            // Provider, site and topic are all the same: no checkpoint for their same steps, only the final write.
            var again = await dir.Stack.UpAsync();
            Assert.True(again.Succeeded, string.Join("\n", again.Errors));
            Assert.All(again.Steps, s => Assert.Equal(StepKind.Same, s.Kind));
            Assert.Equal(1, again.CheckpointWrites);
        }
        finally
        {
            await dir.Stack.DestroyAsync();
        }
    }

    [Fact]
    public async Task Refresh_diffs_with_the_stored_ignoreChanges_and_a_replacement_checks_the_programs_inputs_as_written()
    {
        const string project = "fidelity-ignore";
        var (first, second) = (Programs.Unique("fid/a"), Programs.Unique("fid/b"));
        using var dir = new ProgramDir(Program(project, "    options:\n      ignoreChanges: [site]"), Config(project, first));
        try
        {
            var up = await dir.Stack.UpAsync();
            Assert.True(up.Succeeded, string.Join("\n", up.Errors));
            Assert.Equal(["site"], dir.Stack.LoadState().Resources.Single(r => r.Name == "t").IgnoreChanges);

            // The program is not consulted by refresh: the ignoreChanges come from the state.
            dir.WriteProgram(Program(project));
            var refresh = await dir.Stack.RefreshAsync();
            Assert.True(refresh.Succeeded, string.Join("\n", refresh.Errors));
            var refreshDiff = refresh.Calls.Single(c => c.Method == "Diff" && c.Urn!.EndsWith("::t", StringComparison.Ordinal));
            Assert.Equal(["site"], refreshDiff.Request["ignoreChanges"]!.AsArray().Select(n => n!.GetValue<string>()));

            // Another name replaces the topic; its site (another tier) is ignored for the diff, not for the replacement's Check.
            dir.WriteProgram(Program(project, "    options:\n      ignoreChanges: [site]"));
            dir.WriteConfig(Config(project, second, tier: "fog"));
            var replaced = await dir.Stack.UpAsync();
            Assert.True(replaced.Succeeded, string.Join("\n", replaced.Errors));
            Assert.Equal(StepKind.Replace, replaced.Step("t").Kind);
            var checks = replaced.Calls.Where(c => c.Method == "Check" && c.Urn!.EndsWith("::t", StringComparison.Ordinal)).ToList();
            Assert.Equal(2, checks.Count);
            // The site is the wired string, secret as a whole (it holds the admin password).
            static string Tier(JsonNode? site) => JsonNode.Parse(Sig.Unwrap(site)!.GetValue<string>())!["tier"]!.GetValue<string>();
            Assert.Equal("edge", Tier(checks[0].Request["news"]!["site"]));
            Assert.Equal("fog", Tier(checks[1].Request["news"]!["site"]));
            Assert.Equal("fog", Tier(dir.Stack.LoadState().Resources.Single(r => r.Name == "t").Inputs["site"]));
        }
        finally
        {
            await dir.Stack.DestroyAsync();
        }
    }

    [Fact]
    public async Task An_up_held_to_an_earlier_preview_fails_naming_the_resource_that_now_differs()
    {
        const string project = "fidelity-plan";
        using var dir = new ProgramDir(Program(project), Config(project, Programs.Unique("fid/plan")));
        try
        {
            var up = await dir.Stack.UpAsync();
            Assert.True(up.Succeeded, string.Join("\n", up.Errors));
            var preview = await dir.Stack.PreviewAsync();
            Assert.True(preview.Succeeded, string.Join("\n", preview.Errors));

            // The world moves on after the preview: the topic is renamed (a replacement the preview did not show).
            dir.WriteConfig(Config(project, Programs.Unique("fid/other")));
            var held = await dir.Stack.UpAsync(preview.Plan!);

            Assert.False(held.Succeeded);
            Assert.Contains(held.Errors, e => e.Contains("speck:index:Topic::t", StringComparison.Ordinal) && e.Contains("violates plan", StringComparison.Ordinal)
                && e.Contains("name", StringComparison.Ordinal));
            Assert.DoesNotContain(held.Calls, c => c.Method is "Create" or "Delete" or "Update");
        }
        finally
        {
            await dir.Stack.DestroyAsync();
        }
    }

    [Fact]
    public async Task A_program_is_type_checked_against_the_schema_before_anything_runs()
    {
        const string project = "fidelity-types";
        var program = Program(project, "    options:\n      protect: false", "  broker: ${site.broker.urll}\n  nope: ${t.endpoinz}")
            .Replace("      name: ${topicName}", "      name: ${topicName}\n      nmae: typo");
        using var dir = new ProgramDir(program, Config(project, Programs.Unique("fid/types")));

        var preview = await dir.Stack.PreviewAsync();

        Assert.False(preview.Succeeded);
        var error = string.Join("\n", preview.Errors);
        Assert.Contains("Property nmae does not exist on 'speck:index:Topic'", error);
        Assert.Contains("urll does not exist on site.broker", error);
        Assert.Contains("endpoinz does not exist on t", error);
        Assert.DoesNotContain(preview.Calls, c => c.Method is "Check" or "CheckConfig");
    }

    [Fact]
    public void The_engines_own_diff_compares_assets_by_hash_and_secrets_by_value()
    {
        JsonObject Asset(string hash, string path) => new() { [Sig.Key] = Sig.Asset, ["hash"] = hash, ["path"] = path };
        var olds = new JsonObject { ["jar"] = Asset("aa", "build/a.jar"), ["password"] = Sig.MakeSecret("x") };

        var moved = EngineDiff.OfUnknownDiff(olds, new JsonObject { ["jar"] = Asset("aa", "dist/a.jar"), ["password"] = "x" }, []);
        var rebuilt = EngineDiff.OfUnknownDiff(olds, new JsonObject { ["jar"] = Asset("bb", "build/a.jar"), ["password"] = "x" }, []);

        Assert.False(moved.Changed);
        Assert.True(rebuilt.Changed);
        Assert.Equal([new PropertyChange("jar", "UPDATE")], rebuilt.Changes);
    }

    [Fact]
    public void Eliding_keeps_only_the_signature_and_hash_and_Read_gets_the_contents_back_by_hash()
    {
        var bag = new JsonObject { ["artifact"] = new JsonObject { [Sig.Key] = Sig.Asset, ["hash"] = "aa", ["path"] = "filter.jar" }, ["n"] = 1 };
        var elided = Assets.Elide(bag);
        Assert.Equal(new JsonObject { [Sig.Key] = Sig.Asset, ["hash"] = "aa" }.ToJsonString(), elided["artifact"]!.ToJsonString());
        Assert.Equal("filter.jar", bag["artifact"]!["path"]!.GetValue<string>());

        Assets.Restore(bag, elided);
        Assert.Equal("filter.jar", elided["artifact"]!["path"]!.GetValue<string>());
    }
}

using Speck.Harness.Deployment;

namespace Speck.Tests.Harness;

/// <summary>Resource options as the engine applies them, and resources dropped from the program.</summary>
[Collection(HarnessCollection.Name)]
public class OptionsTests(SitesFixture sites)
{
    [Fact]
    public async Task Protect_ignoreChanges_customTimeouts_dependsOn_and_dropped_resources()
    {
        const string project = "options-test";
        var (a, b) = (Programs.Unique("opts/a"), Programs.Unique("opts/b"));
        const string siteOptions = "options:\n  protect: true\n  ignoreChanges: [labels]\n  customTimeouts: { create: 2m, update: 1m30s }";
        string Program(bool protect, bool withA) => Programs.WithSite(project,
            (withA ? Programs.Topic("a", a) : "") + Programs.Topic("b", b, withA ? "options:\n  dependsOn: [\"${a}\"]" : ""),
            siteOptions: protect ? siteOptions : "");
        var config = Programs.Config(project, sites, sites.Lab);
        using var dir = new ProgramDir(Program(protect: true, withA: true), config);
        try
        {
            var up = await dir.Stack.UpAsync();
            Assert.True(up.Succeeded, string.Join("\n", up.Errors));
            var siteCreate = up.Calls.Single(c => c.Method == "Create" && c.Urn!.EndsWith("::site", StringComparison.Ordinal));
            Assert.Equal(120, siteCreate.Request["timeout"]!.GetValue<double>());
            Assert.True(Index(up, "Check", "b") > Index(up, "Create", "a"), "dependsOn: b starts after a is created");

            // ignoreChanges: a new label value is replaced by the old one before Check, so nothing changes.
            config[$"{project}:labelValue"] = "elsewhere";
            dir.WriteConfig(config);
            var ignored = await dir.Stack.UpAsync();
            Assert.True(ignored.Succeeded, string.Join("\n", ignored.Errors));
            Assert.Equal(StepKind.Same, ignored.Step("site").Kind);
            var check = ignored.Calls.Single(c => c.Method == "Check" && c.Urn!.EndsWith("::site", StringComparison.Ordinal));
            Assert.Equal("lab", check.Request["news"]!["labels"]!["region"]!.GetValue<string>());
            Assert.Equal("labels", ignored.Calls.Single(c => c.Method == "Diff" && c.Urn!.EndsWith("::site", StringComparison.Ordinal))
                .Request["ignoreChanges"]![0]!.GetValue<string>());

            // A resource dropped from the program: planned in preview without a call, deleted at the end of the update.
            dir.WriteProgram(Program(protect: true, withA: false));
            var dropped = await dir.Stack.UpAsync();
            Assert.True(dropped.Succeeded, string.Join("\n", dropped.Errors));
            Assert.Equal(StepKind.Delete, dropped.Preview!.Step("a").Kind);
            Assert.DoesNotContain(dropped.Preview.Calls, c => c.Method == "Delete");
            Assert.Equal(Index(dropped, "Delete", "a"), dropped.Calls.Count - 1);
            Assert.DoesNotContain(await SitesFixture.SpeckRolesAsync(sites.Lab), r => r.Contains(a.Replace('/', '_'), StringComparison.Ordinal));

            // Protect: destroy refuses before deleting anything.
            var refused = await dir.Stack.DestroyAsync();
            Assert.False(refused.Succeeded);
            Assert.Contains(refused.Errors, e => e.Contains("protection", StringComparison.Ordinal));
            Assert.DoesNotContain(refused.Calls, c => c.Method == "Delete");
            Assert.Contains(await SitesFixture.SpeckRolesAsync(sites.Lab), r => r.Contains(b.Replace('/', '_'), StringComparison.Ordinal));

            dir.WriteProgram(Program(protect: false, withA: false));
            var unprotected = await dir.Stack.UpAsync();
            Assert.True(unprotected.Succeeded, string.Join("\n", unprotected.Errors));
        }
        finally
        {
            var destroy = await dir.Stack.DestroyAsync();
            Assert.True(destroy.Succeeded, string.Join("\n", destroy.Errors));
        }
        Assert.DoesNotContain(await SitesFixture.SpeckRolesAsync(sites.Lab), r => r.Contains(b.Replace('/', '_'), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Topics_on_a_broker_without_dynamic_security_get_no_roles()
    {
        const string project = "plain-test";
        var program = Programs.WithSite(project, Programs.Topic("t", Programs.Unique("plain/t")), outputs: "role: ${t.publishRole}", admin: false);
        using var dir = new ProgramDir(program, Programs.Config(project, sites, sites.Plain));
        try
        {
            var up = await dir.Stack.UpAsync();
            Assert.True(up.Succeeded, string.Join("\n", up.Errors));
            Assert.Null(up.Outputs["role"]);
            Assert.False(up.Step("site").Outputs!["accessControl"]!.GetValue<bool>());
        }
        finally
        {
            var destroy = await dir.Stack.DestroyAsync();
            Assert.True(destroy.Succeeded, string.Join("\n", destroy.Errors));
        }
    }

    private static int Index(DeploymentResult r, string method, string name) =>
        r.Calls.FindIndex(c => c.Method == method && c.Urn is { } u && u.EndsWith("::" + name, StringComparison.Ordinal));
}

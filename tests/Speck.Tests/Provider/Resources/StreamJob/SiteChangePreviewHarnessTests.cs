using Speck.FlinkStandIn.Jars;
using Speck.Harness.Deployment;
using Speck.Tests.Harness;

namespace Speck.Tests.Provider.Resources.StreamJob;

/// <summary>
/// A site change previews as what <c>up</c> then does: the engine hands a preview Update's outputs to the program, so
/// a site's <c>connection</c> must be the one the new inputs make, not the recorded one.
/// </summary>
public sealed class SiteChangePreviewHarnessTests : IAsyncLifetime
{
    private const string Project = "sitechange";
    private OneFlinkSite _site = null!;

    public async Task InitializeAsync()
    {
        _site = await OneFlinkSite.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
    }

    private const string Program = """
        name: sitechange
        runtime: yaml
        config:
          speUrl: { type: string }
          brokerUrl: { type: string }
          tier: { type: string }
          owner: { type: string }
        resources:
          site:
            type: speck:index:SpeSite
            properties:
              tier: ${tier}
              labels: { owner: "${owner}" }
              spe: { kind: flink, url: "${speUrl}" }
              broker: { kind: mqtt, url: "${brokerUrl}" }
          in:
            type: speck:index:Topic
            properties: { site: "${site.connection}", name: sensors/in }
          out:
            type: speck:index:Topic
            properties: { site: "${site.connection}", name: sensors/out }
          job:
            type: speck:index:StreamJob
            properties:
              site: ${site.connection}
              artifact:
                fn::fileAsset: filter.jar
              entryClass: org.speck.jobs.Filter
              upgradeMode: stateless
              sources: ["${in.endpoint}"]
              sink: ${out.endpoint}
        outputs:
          jobId: ${job.jobId}
          sinkSite: ${job.siteName}
        """;

    private ProgramDir Dir(string tier, string owner)
    {
        var dir = new ProgramDir(Program, Config(tier, owner), Programs.Unique("site"));
        File.WriteAllBytes(Path.Combine(dir.Path, "filter.jar"), TestJar.Build("org.speck.jobs.Filter"));
        return dir;
    }

    private Dictionary<string, string> Config(string tier, string owner) => new(_site.Config(Project))
    {
        [$"{Project}:tier"] = tier, [$"{Project}:owner"] = owner,
    };

    private static Dictionary<string, StepKind> Kinds(DeploymentResult r) =>
        new[] { "site", "in", "out", "job" }.ToDictionary(n => n, n => r.Step(n).Kind);

    [Fact]
    public async Task A_tier_change_previews_the_topics_and_the_job_it_reaches_and_up_does_just_that()
    {
        using var dir = Dir("edge", "ops");
        var first = await dir.Stack.UpAsync();
        Assert.True(first.Succeeded, string.Join("\n", first.Errors) + first.ProviderStderr);
        dir.WriteConfig(Config("fog", "ops"));

        var preview = await dir.Stack.PreviewAsync();
        var up = await dir.Stack.UpAsync();

        Assert.True(up.Succeeded, string.Join("\n", up.Errors) + up.ProviderStderr);
        var expected = new Dictionary<string, StepKind> { ["site"] = StepKind.Update, ["in"] = StepKind.Update, ["out"] = StepKind.Update, ["job"] = StepKind.Update };
        Assert.Equal(expected, Kinds(preview));
        Assert.Equal(expected, Kinds(up));
        // The tier does not change where the job runs: it was updated without a restart.
        Assert.Equal(first.Outputs["jobId"]!.GetValue<string>(), up.Outputs["jobId"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_label_change_previews_and_updates_the_site_alone()
    {
        using var dir = Dir("edge", "ops");
        var first = await dir.Stack.UpAsync();
        Assert.True(first.Succeeded, string.Join("\n", first.Errors) + first.ProviderStderr);
        dir.WriteConfig(Config("edge", "data-team"));

        var preview = await dir.Stack.PreviewAsync();
        var up = await dir.Stack.UpAsync();

        Assert.True(up.Succeeded, string.Join("\n", up.Errors) + up.ProviderStderr);
        var expected = new Dictionary<string, StepKind> { ["site"] = StepKind.Update, ["in"] = StepKind.Same, ["out"] = StepKind.Same, ["job"] = StepKind.Same };
        Assert.Equal(expected, Kinds(preview));
        Assert.Equal(expected, Kinds(up));
        Assert.Equal("site", up.Outputs["sinkSite"]!.GetValue<string>());
    }
}

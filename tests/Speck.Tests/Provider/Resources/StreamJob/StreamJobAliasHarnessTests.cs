using Speck.FlinkStandIn.Jars;
using Speck.FlinkStandIn.Jobs;
using Speck.Harness.Deployment;
using Speck.Tests.Harness;

namespace Speck.Tests.Provider.Resources.StreamJob;

/// <summary>
/// Renaming with the <c>aliases</c> option through the engine harness (docs/pulumi-engine.md §Aliases), on one Flink
/// stand-in and a plain broker: the renamed resource keeps its state, and what the engine refuses is refused in its words.
/// </summary>
public sealed class StreamJobAliasHarnessTests : IAsyncLifetime
{
    private const string Project = "aliases";
    private const string TopicUrn = "urn:pulumi:test::aliases::speck:index:Topic::";
    private OneFlinkSite _site = null!;

    public async Task InitializeAsync() => _site = await OneFlinkSite.StartAsync();

    public async Task DisposeAsync() => await _site.DisposeAsync();

    /// <param name="job">The job's resource name.</param>
    /// <param name="site">The site's resource name and its resource options (YAML at column 0).</param>
    /// <param name="topics">The topic resources: resource name, MQTT topic, resource options (YAML at column 0).</param>
    /// <param name="sink">The topic resource the job writes.</param>
    private static string Program(string job, string jobOptions = "", (string Name, string Topic, string Options)[]? topics = null, string sink = "out",
        (string Name, string Options)? site = null, string upgradeMode = "stateless")
    {
        static string Indent(string block, int n) => string.Concat(block.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => new string(' ', n) + l + "\n"));
        var (siteName, siteOptions) = site ?? ("site", "");
        var topicLines = string.Concat((topics ?? [("in", "sensors/in", ""), ("out", "sensors/out", "")]).Select(t =>
            $"  {t.Name}:\n    type: speck:index:Topic\n    properties: {{ site: \"${{{siteName}.connection}}\", name: {t.Topic} }}\n" + Indent(t.Options, 4)));
        return $$"""
            name: {{Project}}
            runtime: yaml
            config:
              speUrl: { type: string }
              brokerUrl: { type: string }
            resources:
              {{siteName}}:
                type: speck:index:SpeSite
                properties:
                  tier: fog
                  spe: { kind: flink, url: "${speUrl}" }
                  broker: { kind: mqtt, url: "${brokerUrl}" }

            """ + Indent(siteOptions, 4) + topicLines + $$"""
              {{job}}:
                type: speck:index:StreamJob
                properties:
                  site: ${{{siteName}}.connection}
                  artifact:
                    fn::fileAsset: filter.jar
                  entryClass: org.speck.jobs.Filter
                  upgradeMode: {{upgradeMode}}
                  readinessSeconds: 1
                  sources: ["${in.endpoint}"]
                  sink: ${{{sink}}.endpoint}

            """ + Indent(jobOptions, 4) + $$"""
            outputs:
              jobId: ${{{job}}.jobId}
            """;
    }

    private async Task<(ProgramDir Dir, DeploymentResult Up)> DeployedAsync()
    {
        var dir = new ProgramDir(Program("job"), _site.Config(Project));
        File.WriteAllBytes(Path.Combine(dir.Path, "filter.jar"), TestJar.Build("org.speck.jobs.Filter"));
        var up = await dir.Stack.UpAsync();
        Assert.True(up.Succeeded, string.Join("\n", up.Errors) + up.ProviderStderr);
        _site.Flink.Requests.Clear();
        return (dir, up);
    }

    private static void OnlySameSteps(DeploymentResult r) => Assert.DoesNotContain(r.Steps, s => s.Kind is not StepKind.Same);

    [Fact]
    public async Task A_site_and_job_renamed_with_aliases_to_their_old_names_keep_the_Flink_job_and_the_state_holds_the_new_URNs_only()
    {
        var (deployed, first) = await DeployedAsync();
        using var dir = deployed;
        var jobId = first.Outputs["jobId"]!.GetValue<string>();
        // The site keeps the siteName it defaulted to when it was made (`site`), so its connection does not change either.
        var fog = ("fog", "options:\n  aliases:\n    - name: site");
        dir.WriteProgram(Program("cleaner", "options:\n  aliases:\n    - name: job", site: fog));

        var preview = await dir.Stack.PreviewAsync();
        Assert.True(preview.Succeeded, string.Join("\n", preview.Errors));
        OnlySameSteps(preview);

        var up = await dir.Stack.UpAsync();
        Assert.True(up.Succeeded, string.Join("\n", up.Errors) + up.ProviderStderr);
        OnlySameSteps(up);
        Assert.Equal(StepKind.Same, up.Step("cleaner").Kind);
        Assert.Equal(StepKind.Same, up.Step("fog").Kind);
        Assert.DoesNotContain(up.Calls, c => c.Method is "Create" or "Update" or "Delete");
        Assert.Equal(jobId, up.Outputs["jobId"]!.GetValue<string>());
        var job = Assert.Single(_site.Flink.Jobs);
        Assert.Equal((jobId, JobStatus.RUNNING), (job.JobId, job.State));
        Assert.DoesNotContain(_site.Flink.Requests.Entries, r => r.Method != "GET");
        // The checkpoint knows the job by its new URN only, and writes no aliases (NormalizeURNReferences).
        var state = dir.Stack.LoadState();
        Assert.Equal("urn:pulumi:test::aliases::speck:index:StreamJob::cleaner", Assert.Single(state.Resources, r => r.Type == "speck:index:StreamJob").Urn);
        Assert.Equal("urn:pulumi:test::aliases::speck:index:SpeSite::fog", Assert.Single(state.Resources, r => r.Type == "speck:index:SpeSite").Urn);
        Assert.Equal("site", state.Resources.Single(r => r.Type == "speck:index:SpeSite").Inputs["siteName"]!.GetValue<string>());
        Assert.DoesNotContain("StreamJob::job\"", dir.StateText, StringComparison.Ordinal);
        Assert.DoesNotContain("SpeSite::site\"", dir.StateText, StringComparison.Ordinal);
        Assert.DoesNotContain("\"aliases\"", dir.StateText, StringComparison.Ordinal);

        // The alias is no longer needed: without it nothing changes either.
        dir.WriteProgram(Program("cleaner", site: ("fog", "")));
        var again = await dir.Stack.UpAsync();
        Assert.True(again.Succeeded, string.Join("\n", again.Errors));
        OnlySameSteps(again);
    }

    [Fact]
    public async Task Two_resources_claiming_one_alias_and_a_URN_registered_beside_its_alias_are_refused_in_the_engines_words()
    {
        var (deployed, _) = await DeployedAsync();
        using var dir = deployed;
        var urn = System.Text.RegularExpressions.Regex.Escape(TopicUrn);
        var claimsOut = $"options:\n  aliases: [\"{TopicUrn}out\"]";
        // out1 and out2 both say they were out: whichever comes second is refused, naming the first.
        var twoClaims = Program("job", topics: [("in", "sensors/in", ""), ("out1", "sensors/out", claimsOut), ("out2", "sensors/out", claimsOut)], sink: "out1");
        // in2 says it was in while in is still registered: refused whichever of the two the engine sees first.
        var besideItsAlias = Program("job", topics: [("in", "sensors/in", ""), ("in2", "sensors/in", $"options:\n  aliases: [\"{TopicUrn}in\"]"), ("out", "sensors/out", "")]);

        dir.WriteProgram(twoClaims);
        var preview = await dir.Stack.PreviewAsync();
        dir.WriteProgram(besideItsAlias);
        var beside = await dir.Stack.PreviewAsync();
        dir.WriteProgram(twoClaims);
        // `up --skip-preview`: the update's own step generation refuses it too (a planned up stops at its preview).
        var up = await dir.Stack.UpAsync(skipPreview: true, holdToPlan: false);

        foreach (var run in new[] { preview, up })
        {
            Assert.False(run.Succeeded);
            Assert.Matches($"^{urn}out(1|2): Duplicate resource alias '{urn}out' applied to resource with URN '{urn}out(1|2)' " +
                $"conflicting with resource with URN '{urn}out(1|2)'$", Assert.Single(run.Errors));
        }
        Assert.False(beside.Succeeded);
        Assert.Contains(beside.Errors, e =>
            e == $"{TopicUrn}in2: Duplicate resource alias '{TopicUrn}in' applied to resource with URN '{TopicUrn}in2' conflicting with resource with URN '{TopicUrn}in2'"
            || e == $"{TopicUrn}in: Duplicate resource URN '{TopicUrn}in' conflicting with alias on resource with URN '{TopicUrn}in2'");
        // Nothing made, changed or deleted anywhere: the claim that won was a same step.
        Assert.All(new[] { preview, beside, up }, r => Assert.DoesNotContain(r.Calls, c => c.Method is "Create" or "Update" or "Delete"));
        Assert.Single(_site.Flink.Jobs, j => j.State == JobStatus.RUNNING);
        Assert.DoesNotContain(_site.Flink.Requests.Entries, r => r.Method != "GET");
    }

    [Fact]
    public async Task A_checkpoint_written_before_a_dependent_is_registered_again_names_the_renamed_resource_by_its_new_URN()
    {
        var (deployed, _) = await DeployedAsync();
        using var dir = deployed;
        var topics = new[] { ("in", "sensors/in", ""), ("sink", "sensors/out", "options:\n  aliases:\n    - name: out") };

        // out becomes sink; the job then fails its Check, so the update stops with the job's old entry in the state.
        dir.WriteProgram(Program("job", topics: topics, sink: "sink", upgradeMode: "sideways"));
        var failed = await dir.Stack.UpAsync(skipPreview: true, holdToPlan: false);
        Assert.False(failed.Succeeded);
        Assert.Equal(StepKind.Same, failed.Step("sink").Kind);
        Assert.Equal(StepKind.Failed, failed.Step("job").Kind);
        var state = dir.Stack.LoadState();
        var job = state.Resources.Single(r => r.Type == "speck:index:StreamJob");
        Assert.Contains($"{TopicUrn}sink", job.Dependencies);
        Assert.Equal([$"{TopicUrn}sink"], job.PropertyDependencies["sink"]);
        Assert.DoesNotContain($"{TopicUrn}out\"", dir.StateText, StringComparison.Ordinal);

        dir.WriteProgram(Program("job", topics: topics, sink: "sink"));
        var fixedUp = await dir.Stack.UpAsync();
        Assert.True(fixedUp.Succeeded, string.Join("\n", fixedUp.Errors) + fixedUp.ProviderStderr);
        OnlySameSteps(fixedUp);
        Assert.DoesNotContain(_site.Flink.Requests.Entries, r => r.Method != "GET");
    }
}

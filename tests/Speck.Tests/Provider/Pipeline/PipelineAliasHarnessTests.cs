using Speck.FlinkStandIn.Jobs;
using Speck.Harness.Deployment;
using Speck.Tests.Harness;
using Speck.Tests.Harness.Monitor;

namespace Speck.Tests.Provider.Pipeline;

/// <summary>
/// Issue 14: a <c>speck:index:Pipeline</c> renamed in the program with an alias to its old name keeps every site,
/// topic and job (docs/pulumi-engine.md §Aliases): Construct registers the component with the alias and each child,
/// named <c>&lt;pipeline&gt;-…</c>, with the alias it inherits, so the engine finds them all in the state.
/// </summary>
public sealed class PipelineAliasHarnessTests : IAsyncLifetime
{
    private readonly PipelineSites sites = new();

    public Task InitializeAsync() => sites.InitializeAsync();
    public Task DisposeAsync() => sites.DisposeAsync();

    private static string Errors(DeploymentResult r) => string.Join("\n", r.Errors) + r.ProviderStderr;

    /// <summary>examples/speck-pipeline with the Pipeline named <paramref name="name"/> and the given resource options.</summary>
    private static string Renamed(string name, string options) => PipelineSites.Example
        .Replace("  pipeline:\n    type: speck:index:Pipeline\n", $"  {name}:\n    type: speck:index:Pipeline\n{options}", StringComparison.Ordinal)
        .Replace("${pipeline.", $"${{{name}.", StringComparison.Ordinal);

    private static void OnlySameSteps(DeploymentResult r) => Assert.DoesNotContain(r.Steps, s => s.Kind is not StepKind.Same);

    [Fact]
    public async Task Listing_1_1_renamed_with_an_alias_keeps_every_child_and_every_job_id()
    {
        using var dir = new ProgramDir(PipelineSites.Example, new Dictionary<string, string>());
        dir.WriteConfig(sites.Config(dir.Path));
        PipelineSites.WriteDocument(dir, PipelineSites.Listing("1.1"));
        var up = await dir.Stack.UpAsync();
        Assert.True(up.Succeeded, Errors(up));
        var jobIds = up.Outputs["jobs"]!.AsObject().ToDictionary(kv => kv.Key, kv => kv.Value!["jobId"]!.GetValue<string>());
        Assert.Equal(4, jobIds.Count);
        foreach (var s in sites.Flink.Values) s.Requests.Clear();

        dir.WriteProgram(Renamed("traffic", "    options:\n      aliases:\n        - name: pipeline\n"));
        var preview = await dir.Stack.PreviewAsync();
        Assert.True(preview.Succeeded, Errors(preview));
        OnlySameSteps(preview);
        var renamed = await dir.Stack.UpAsync();
        Assert.True(renamed.Succeeded, Errors(renamed));
        OnlySameSteps(renamed);

        // Every child is a same step under its new name: 4 sites, the topics, 4 jobs, and the component itself.
        Assert.Equal(4, renamed.Steps.Count(s => s is { Type: "speck:index:StreamJob", Kind: StepKind.Same } && s.Name.StartsWith("traffic-", StringComparison.Ordinal)));
        Assert.Equal(4, renamed.Steps.Count(s => s is { Type: "speck:index:SpeSite", Kind: StepKind.Same } && s.Name.StartsWith("traffic-", StringComparison.Ordinal)));
        Assert.Equal(StepKind.Same, renamed.Step("traffic").Kind);
        Assert.DoesNotContain(renamed.Calls, c => c.Method is "Create" or "Update" or "Delete");
        Assert.Equal(jobIds, renamed.Outputs["jobs"]!.AsObject().ToDictionary(kv => kv.Key, kv => kv.Value!["jobId"]!.GetValue<string>()));
        foreach (var flink in sites.Flink.Values.Where(f => f.Jobs.Count > 0))
        {
            Assert.Contains(Assert.Single(flink.Jobs).JobId, jobIds.Values);
            Assert.Equal(JobStatus.RUNNING, flink.Jobs[0].State);
            Assert.DoesNotContain(flink.Requests.Entries, r => r.Method != "GET");
        }
        // The state knows the pipeline and its children by their new URNs only.
        var urns = dir.Stack.LoadState().Resources.Select(r => r.Urn).ToList();
        Assert.DoesNotContain(urns, u => u.Contains("::pipeline", StringComparison.Ordinal));
        Assert.Contains("urn:pulumi:test::speck-pipeline::speck:index:Pipeline::traffic", urns);
        Assert.Equal(4, urns.Count(u => u.StartsWith("urn:pulumi:test::speck-pipeline::speck:index:Pipeline$speck:index:StreamJob::traffic-", StringComparison.Ordinal)));

        // Without the alias now, nothing changes either.
        dir.WriteProgram(Renamed("traffic", ""));
        var again = await dir.Stack.UpAsync();
        Assert.True(again.Succeeded, Errors(again));
        OnlySameSteps(again);
    }

    [Fact]
    public async Task From_javascript_the_SDKs_alias_spec_reaches_construct_and_the_renamed_pipeline_keeps_every_job()
    {
        using var dir = new NodeProgramDir("speck-pipeline", "", new Dictionary<string, string>());
        File.WriteAllText(Path.Combine(dir.Path, "pipeline.yaml"), PipelineSites.Listing("1.1"));
        dir.WriteProgram(sites.JavaScript(dir.Path));
        var up = await dir.Stack.UpAsync();
        Assert.True(up.Succeeded, Errors(up) + up.ProgramOutput);
        var jobIds = sites.Flink.Values.SelectMany(f => f.Jobs).Select(j => j.JobId).Order(StringComparer.Ordinal).ToList();

        // @pulumi/pulumi asks SupportsFeature("aliasSpecs"), and sends the alias as a spec with the stack as parent.
        dir.WriteProgram(sites.JavaScript(dir.Path)
            .Replace("\"speck:index:Pipeline\", \"pipeline\"", "\"speck:index:Pipeline\", \"traffic\"", StringComparison.Ordinal)
            .Replace("}, {}, true /*remote*/", "}, { aliases: [{ name: \"pipeline\" }] }, true /*remote*/", StringComparison.Ordinal));
        var renamed = await dir.Stack.UpAsync();
        Assert.True(renamed.Succeeded, Errors(renamed) + renamed.ProgramOutput);
        Assert.DoesNotContain(renamed.Steps, s => s.Kind is not StepKind.Same);
        Assert.Equal(4, renamed.Steps.Count(s => s.Type == "speck:index:StreamJob" && s.Name.StartsWith("traffic-", StringComparison.Ordinal)));
        Assert.Equal(jobIds, sites.Flink.Values.SelectMany(f => f.Jobs).Select(j => j.JobId).Order(StringComparer.Ordinal).ToList());
        Assert.All(sites.Flink.Values.SelectMany(f => f.Jobs), j => Assert.Equal(JobStatus.RUNNING, j.State));
        Assert.DoesNotContain("::pipeline", dir.StateText, StringComparison.Ordinal);
    }
}

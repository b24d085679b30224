using Speck.FlinkStandIn.Jobs;
using Speck.Harness.Deployment;
using Speck.Tests.Harness.Monitor;

namespace Speck.Tests.Provider.Pipeline;

/// <summary>
/// The adaptation of Listing 1.1 to 1.2 from a JavaScript program on the real @pulumi/pulumi runtime: its
/// <c>ComponentResource</c> registered remote reaches the harness's resource monitor, which calls the provider's
/// Construct as the engine does; the children are the YAML program's.
/// </summary>
public sealed class PipelineNodeProgramTests : IAsyncLifetime
{
    private readonly PipelineSites sites = new();

    public Task InitializeAsync() => sites.InitializeAsync();
    public Task DisposeAsync() => sites.DisposeAsync();

    [Fact]
    public async Task A_javascript_program_deploys_listing_1_1_and_adapts_it_to_listing_1_2()
    {
        using var dir = new NodeProgramDir("speck-pipeline", "", new Dictionary<string, string>());
        dir.WriteProgram(sites.JavaScript(dir.Path));
        File.WriteAllText(Path.Combine(dir.Path, "pipeline.yaml"), PipelineSites.Listing("1.1"));

        var up = await dir.Stack.UpAsync();
        Assert.True(up.Succeeded, string.Join("\n", up.Errors) + up.ProgramOutput + up.ProviderStderr);
        Assert.Equal(4, up.Steps.Count(s => s is { Type: "speck:index:StreamJob", Kind: StepKind.Create }));
        Assert.Equal("RUNNING", up.Outputs["jobs"]!["A"]!["state"]!.GetValue<string>());
        Assert.Contains("urn:pulumi:dev::speck-pipeline::speck:index:Pipeline$speck:index:StreamJob::pipeline-C", dir.StateText);

        File.WriteAllText(Path.Combine(dir.Path, "pipeline.yaml"), PipelineSites.Listing("1.2"));
        var adapt = await dir.Stack.UpAsync();
        Assert.True(adapt.Succeeded, string.Join("\n", adapt.Errors) + adapt.ProgramOutput + adapt.ProviderStderr);
        var jobs = adapt.Steps.Where(s => s.Type == "speck:index:StreamJob").ToDictionary(s => s.Name, s => s.Kind);
        Assert.Equal(new Dictionary<string, StepKind>
        {
            ["pipeline-A"] = StepKind.Same, ["pipeline-B"] = StepKind.Delete, ["pipeline-C"] = StepKind.Update, ["pipeline-C2"] = StepKind.Create, ["pipeline-D"] = StepKind.Update,
        }, jobs);
        Assert.Equal(JobStatus.RUNNING, Assert.Single(sites.Flink["172.16.177.20"].Jobs).State);
        Assert.Equal(JobStatus.CANCELED, Assert.Single(sites.Flink["172.16.48.8"].Jobs).State);
    }
}

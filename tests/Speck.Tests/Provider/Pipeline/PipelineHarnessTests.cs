using Speck.FlinkStandIn.Jobs;
using Speck.Harness.Deployment;
using Speck.Tests.Harness;

namespace Speck.Tests.Provider.Pipeline;

/// <summary>
/// The SpecK paper's listings through <c>speck:index:Pipeline</c> in the engine harness: Construct registers the
/// sites, topics and jobs through the resource monitor, and the step planner runs them as any program's.
/// </summary>
public sealed class PipelineHarnessTests(PipelineSites sites) : IClassFixture<PipelineSites>
{
    private static string Errors(DeploymentResult r) => string.Join("\n", r.Errors) + r.ProviderStderr;

    [Fact]
    public async Task Listing_1_1_deploys_four_jobs_on_four_sites()
    {
        using var dir = new ProgramDir("name: x\nruntime: yaml\n", new Dictionary<string, string>());
        dir.WriteProgram(sites.Program(dir.Path));
        PipelineSites.WriteDocument(dir, PipelineSites.Listing("1.1"));

        var up = await dir.Stack.UpAsync();
        Assert.True(up.Succeeded, Errors(up));
        foreach (var host in new[] { "172.16.39.7", "172.16.48.8", "172.16.192.18", "172.16.177.7" })
            Assert.Equal(JobStatus.RUNNING, Assert.Single(sites.Flink[host].Jobs).State);
        Assert.Equal(4, up.Steps.Count(s => s is { Type: "speck:index:StreamJob", Kind: StepKind.Create }));
        Assert.Equal(4, up.Steps.Count(s => s is { Type: "speck:index:SpeSite", Kind: StepKind.Create }));
        Assert.Contains("\"T-1@172.16.39.7:1883\"", up.Outputs["externalInputs"]!.ToJsonString());
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Speck.FlinkStandIn.Jobs;
using Speck.Harness.Deployment;
using Speck.Tests.Harness;
using Speck.Tests.Harness.Monitor;

namespace Speck.Tests.Provider.Pipeline;

/// <summary>
/// A Pipeline's resource options and outputs through the engine harness (issue 14): protect reaches its children, so
/// a protected pipeline cannot be destroyed, and a retained one leaves its jobs running when it is; a resource fed its <c>jobs</c> output depends on the jobs themselves,
/// from Construct's stateDependencies (docs/pulumi-engine.md §Components).
/// </summary>
public sealed class PipelineOptionsHarnessTests : IAsyncLifetime
{
    private readonly PipelineSites sites = new();

    public Task InitializeAsync() => sites.InitializeAsync();
    public Task DisposeAsync() => sites.DisposeAsync();

    private static string Errors(DeploymentResult r) => string.Join("\n", r.Errors) + r.ProgramOutput + r.ProviderStderr;

    private static List<JsonObject> Resources(string stateText) =>
        JsonNode.Parse(stateText)!["resources"]!.AsArray().Select(r => r!.AsObject()).ToList();

    private static string Str(JsonNode? n) => n!.GetValue<string>();

    [Fact]
    public async Task A_protected_pipeline_protects_its_children_and_destroy_refuses_deleting_nothing()
    {
        const string type = "    type: speck:index:Pipeline\n";
        Assert.Contains(type, PipelineSites.Example);
        using var dir = new ProgramDir(PipelineSites.Example.Replace(type, type + "    options:\n      protect: true\n"), new Dictionary<string, string>());
        dir.WriteConfig(sites.Config(dir.Path));
        PipelineSites.WriteDocument(dir, PipelineSites.Listing("1.1"));

        var up = await dir.Stack.UpAsync();
        Assert.True(up.Succeeded, Errors(up));
        var children = Resources(dir.StateText).Where(r => Str(r["urn"]).Contains("speck:index:Pipeline$", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, children.Count(r => Str(r["type"]) == "speck:index:StreamJob"));
        Assert.All(children, r => Assert.True(r["protect"]?.GetValue<bool>() == true, $"{Str(r["urn"])} is not protected"));

        var before = dir.StateText;
        var destroy = await dir.Stack.DestroyAsync();
        Assert.False(destroy.Succeeded);
        Assert.Contains(destroy.Errors, e => e.Contains("speck:index:StreamJob::pipeline-A\" as it is currently marked for protection", StringComparison.Ordinal));
        Assert.DoesNotContain(destroy.Steps, s => s.Kind == StepKind.Delete);
        Assert.Equal(before, dir.StateText);
        foreach (var host in new[] { "172.16.39.7", "172.16.48.8", "172.16.192.18", "172.16.177.7" })
            Assert.Equal(JobStatus.RUNNING, Assert.Single(sites.Flink[host].Jobs).State);
    }

    [Fact]
    public async Task A_pipeline_retained_on_delete_leaves_the_state_on_destroy_and_its_jobs_running()
    {
        const string type = "    type: speck:index:Pipeline\n";
        using var dir = new ProgramDir(PipelineSites.Example.Replace(type, type + "    options:\n      retainOnDelete: true\n"), new Dictionary<string, string>());
        dir.WriteConfig(sites.Config(dir.Path));
        PipelineSites.WriteDocument(dir, PipelineSites.Listing("1.1"));

        var up = await dir.Stack.UpAsync();
        Assert.True(up.Succeeded, Errors(up));
        // The provider does not pass retainOnDelete to the children (no SDK does); the engine gives them their parent's.
        var children = Resources(dir.StateText).Where(r => Str(r["urn"]).Contains("speck:index:Pipeline$", StringComparison.Ordinal)).ToList();
        Assert.Equal(13, children.Count);
        Assert.All(children, r => Assert.True(r["retainOnDelete"]?.GetValue<bool>() == true, $"{Str(r["urn"])} is not retained on delete"));

        foreach (var s in sites.Flink.Values) s.Requests.Clear();
        var destroy = await dir.Stack.DestroyAsync();
        Assert.True(destroy.Succeeded, Errors(destroy));
        Assert.Equal(13, destroy.Steps.Count(s => s.Kind == StepKind.Delete && s.Urn.Contains("speck:index:Pipeline$", StringComparison.Ordinal)));
        Assert.DoesNotContain(Resources(dir.StateText), r => Str(r["type"]).StartsWith("speck:", StringComparison.Ordinal));
        foreach (var host in new[] { "172.16.39.7", "172.16.48.8", "172.16.192.18", "172.16.177.7" })
        {
            Assert.Equal(JobStatus.RUNNING, Assert.Single(sites.Flink[host].Jobs).State);
            Assert.DoesNotContain(sites.Flink[host].Requests.Entries, e => e.Method != "GET");
        }
    }

    [Fact]
    public async Task A_resource_fed_the_pipelines_jobs_records_the_job_urns_among_its_dependencies()
    {
        using var dir = new NodeProgramDir("speck-pipeline", "", new Dictionary<string, string>());
        // A site whose labels come from the pipeline's jobs output, as a program would pass it on.
        dir.WriteProgram(sites.JavaScript(dir.Path) + $$"""

            new pulumi.CustomResource("speck:index:SpeSite", "consumer", {
                tier: "fog",
                broker: { kind: "mqtt", url: {{JsonSerializer.Serialize(sites.Brokers["172.16.39.7"].Url)}} },
                labels: pipeline.jobs.apply(jobs => ({ jobs: Object.keys(jobs).sort().join(",") })),
            });
            """);
        File.WriteAllText(Path.Combine(dir.Path, "pipeline.yaml"), PipelineSites.Listing("1.1"));

        var up = await dir.Stack.UpAsync();
        Assert.True(up.Succeeded, Errors(up));
        var resources = Resources(dir.StateText);
        var jobs = resources.Where(r => Str(r["type"]) == "speck:index:StreamJob").Select(r => Str(r["urn"])).ToList();
        Assert.Equal(4, jobs.Count);
        var consumer = Assert.Single(resources, r => Str(r["urn"]).EndsWith("::consumer", StringComparison.Ordinal));
        var dependencies = consumer["dependencies"]!.AsArray().Select(Str).ToList();
        var labels = consumer["propertyDependencies"]!["labels"]!.AsArray().Select(Str).ToList();
        const string pipeline = "urn:pulumi:dev::speck-pipeline::speck:index:Pipeline::pipeline";
        foreach (var urn in jobs.Append(pipeline))
        {
            Assert.Contains(urn, dependencies);
            Assert.Contains(urn, labels);
        }
    }
}

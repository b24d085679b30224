using Speck.FlinkStandIn.Jobs;
using Speck.Harness.Deployment;
using Speck.Tests.Harness;

namespace Speck.Tests.Provider.Pipeline;

/// <summary>
/// The SpecK paper's listings through <c>speck:index:Pipeline</c> in the engine harness: Construct registers the
/// sites, topics and jobs through the resource monitor, and the step planner runs them as any program's.
/// </summary>
public sealed class PipelineHarnessTests : IAsyncLifetime
{
    // Fresh stand-ins for each test: the tests assert on each engine's whole job list.
    private readonly PipelineSites sites = new();

    public Task InitializeAsync() => sites.InitializeAsync();
    public Task DisposeAsync() => sites.DisposeAsync();

    private static string Errors(DeploymentResult r) => string.Join("\n", r.Errors) + r.ProviderStderr;

    [Fact]
    public async Task Listing_1_1_deploys_four_jobs_on_four_sites()
    {
        using var dir = new ProgramDir(PipelineSites.Example, new Dictionary<string, string>());
        dir.WriteConfig(sites.Config(dir.Path));
        PipelineSites.WriteDocument(dir, PipelineSites.Listing("1.1"));

        var up = await dir.Stack.UpAsync();
        Assert.True(up.Succeeded, Errors(up));
        foreach (var host in new[] { "172.16.39.7", "172.16.48.8", "172.16.192.18", "172.16.177.7" })
            Assert.Equal(JobStatus.RUNNING, Assert.Single(sites.Flink[host].Jobs).State);
        Assert.Equal(4, up.Steps.Count(s => s is { Type: "speck:index:StreamJob", Kind: StepKind.Create }));
        Assert.Equal(4, up.Steps.Count(s => s is { Type: "speck:index:SpeSite", Kind: StepKind.Create }));
        Assert.Equal("""["T-1@172.16.39.7:1883","T-2@172.16.48.8:1883"]""", up.Outputs["externalInputs"]!.ToJsonString());
        // The preview lists them too, before anything is deployed.
        Assert.Contains(up.Preview!.Logs, l => l.Message == "external inputs (read by jobs, written by none of them): T-1@172.16.39.7:1883, T-2@172.16.48.8:1883");
        Assert.Equal("RUNNING", up.Outputs["jobs"]!["C"]!["state"]!.GetValue<string>());
        Assert.Equal("172.16.192.18", up.Outputs["jobs"]!["C"]!["site"]!.GetValue<string>());
    }

    private static ResourceStep Job(DeploymentResult r, string name) => r.Step($"pipeline-{name}");

    [Fact]
    public async Task Listing_1_2_as_printed_removes_B_redirects_C_from_a_savepoint_adds_C2_moves_D_and_leaves_A()
    {
        using var dir = new ProgramDir(PipelineSites.Example, new Dictionary<string, string>());
        dir.WriteConfig(sites.Config(dir.Path));
        PipelineSites.WriteDocument(dir, PipelineSites.Listing("1.1"));
        var up = await dir.Stack.UpAsync();
        Assert.True(up.Succeeded, Errors(up));
        var (a, c, d) = (sites.Flink["172.16.39.7"], sites.Flink["172.16.192.18"], sites.Flink["172.16.177.7"]);
        var oldC = Assert.Single(c.Jobs);
        foreach (var s in sites.Flink.Values) s.Requests.Clear();

        PipelineSites.WriteDocument(dir, PipelineSites.Listing("1.2"));
        var preview = await dir.Stack.PreviewAsync();
        Assert.True(preview.Succeeded, Errors(preview));
        Assert.Equal(StepKind.Same, Job(preview, "A").Kind);
        Assert.Equal(StepKind.Delete, Job(preview, "B").Kind);
        Assert.Equal(StepKind.Update, Job(preview, "C").Kind);
        Assert.Equal(["sink"], Job(preview, "C").Changes.Select(ch => ch.Path).Distinct());
        Assert.Equal(StepKind.Create, Job(preview, "C2").Kind);
        // D as the listing gives it: another engine and other brokers, so the job moves to 172.16.177.20.
        Assert.Equal(StepKind.Update, Job(preview, "D").Kind);
        Assert.Equal(["sink", "site", "sources"], Job(preview, "D").Changes.Select(ch => ch.Path.Split('.', '[')[0]).Distinct().Order(StringComparer.Ordinal));
        Assert.All(sites.Flink.Values, s => Assert.DoesNotContain(s.Requests.Entries, r => r.Method != "GET"));

        var adapt = await dir.Stack.UpAsync();
        Assert.True(adapt.Succeeded, Errors(adapt));
        Assert.DoesNotContain(a.Requests.Entries, r => r.Method != "GET");
        Assert.Equal(JobStatus.RUNNING, Assert.Single(a.Jobs).State);
        Assert.Equal(JobStatus.CANCELED, Assert.Single(sites.Flink["172.16.48.8"].Jobs).State);
        // C stopped with a savepoint and restarted from it writing T-C2-filter; C2 beside it.
        var savepoint = Assert.Single(c.Job(oldC.JobId)!.Savepoints);
        var running = c.Jobs.Where(j => j.State == JobStatus.RUNNING).ToList();
        Assert.Equal(2, running.Count);
        var newC = Assert.Single(running, j => j.RestoredFrom == savepoint);
        Assert.Contains("T-C2-filter", newC.ProgramArgs);
        Assert.Contains(running, j => j.RestoredFrom is null && j.ProgramArgs.Contains("T-C2-filter") && j.ProgramArgs.Contains("T-D-merger"));
        // D left 172.16.177.7 with a savepoint and resumed from it on 172.16.177.20.
        var oldD = Assert.Single(d.Jobs);
        Assert.NotEqual(JobStatus.RUNNING, oldD.State);
        var movedD = Assert.Single(sites.Flink["172.16.177.20"].Jobs);
        Assert.Equal(JobStatus.RUNNING, movedD.State);
        Assert.Equal(Assert.Single(oldD.Savepoints), movedD.RestoredFrom);

        var again = await dir.Stack.UpAsync();
        Assert.True(again.Succeeded, Errors(again));
        Assert.DoesNotContain(again.Steps, s => s.Kind is not StepKind.Same);
    }

    [Fact]
    public async Task A_bad_document_fails_naming_the_job_and_field_and_deploys_nothing()
    {
        using var dir = new ProgramDir(PipelineSites.Example, new Dictionary<string, string>());
        dir.WriteConfig(sites.Config(dir.Path));
        // C reads T-C-filter on a mistyped broker: A and B write it on 172.16.192.18.
        PipelineSites.WriteDocument(dir, PipelineSites.Listing("1.1").Replace("source_broker: tcp://172.16.192.18:1883", "source_broker: tcp://172.16.192.81:1883"));

        var up = await dir.Stack.UpAsync();
        Assert.False(up.Succeeded);
        var error = Assert.Single(up.Errors);
        Assert.Contains("speck:index:Pipeline resource 'pipeline' has a problem: ", error);
        Assert.Contains("document: jobs[2] (C).source_broker: topic 'T-C-filter' on 172.16.192.81:1883 is written by no job, but 'T-C-filter' is written on 172.16.192.18:1883 (by A, B): a mistyped address?", error);
        Assert.DoesNotContain(up.Preview!.Steps, s => s.Type != "pulumi:pulumi:Stack");
        Assert.All(sites.Flink.Values, f => Assert.Empty(f.Jobs));
    }
}

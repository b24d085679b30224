using Speck.FlinkStandIn.Jars;
using Speck.FlinkStandIn.Jobs;
using Speck.Harness.Deployment;
using Speck.Tests.Harness;

namespace Speck.Tests.Provider.Resources.StreamJob;

/// <summary>Refresh and import of a StreamJob through the engine harness, on one Flink stand-in and a plain broker.</summary>
public sealed class RefreshAndImportHarnessTests : IAsyncLifetime
{
    private const string Project = "onejob";
    private OneFlinkSite _site = null!;

    public async Task InitializeAsync()
    {
        _site = await OneFlinkSite.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
    }

    private string Program(string jobOptions = "", string mode = "stateless", string args = "[]") => OneJobProgram.Yaml(Project,
        $"      upgradeMode: {mode}\n      savepointDirectory: {_site.SavepointDir}\n      readinessSeconds: 1\n      arguments: {args}\n{jobOptions}",
        "  jobId: ${job.jobId}\n  state: ${job.state}");

    private ProgramDir Dir(string program, string stack, byte[] jar)
    {
        var dir = new ProgramDir(program, _site.Config(Project), stack);
        File.WriteAllBytes(Path.Combine(dir.Path, "filter.jar"), jar);
        return dir;
    }

    [Fact]
    public async Task Refresh_sees_a_job_cancelled_behind_pulumis_back_and_the_next_up_runs_it_again()
    {
        using var dir = Dir(Program(), "drift", TestJar.Build("org.speck.jobs.Filter"));
        var up = await dir.Stack.UpAsync();
        Assert.True(up.Succeeded, string.Join("\n", up.Errors) + up.ProviderStderr);
        var jobId = up.Outputs["jobId"]!.GetValue<string>();
        using (var http = new HttpClient { BaseAddress = new Uri(_site.Flink.BaseUrl) })
            (await http.PatchAsync($"/jobs/{jobId}?mode=cancel", null)).EnsureSuccessStatusCode();
        for (var i = 0; i < 200 && _site.Flink.Job(jobId)!.State != JobStatus.CANCELED; i++) await Task.Delay(25);

        var refresh = await dir.Stack.RefreshAsync();

        Assert.True(refresh.Succeeded, string.Join("\n", refresh.Errors));
        Assert.Equal("CANCELED", dir.Stack.LoadState().Resources.Single(r => r.Name == "job").Outputs["state"]!.GetValue<string>());
        var preview = await dir.Stack.PreviewAsync();
        Assert.Equal(StepKind.Update, preview.Step("job").Kind);
        var again = await dir.Stack.UpAsync();
        Assert.True(again.Succeeded, string.Join("\n", again.Errors));
        Assert.Equal("RUNNING", again.Outputs["state"]!.GetValue<string>());
        Assert.NotEqual(jobId, again.Outputs["jobId"]!.GetValue<string>());
        Assert.Single(_site.Flink.Jobs, j => j.State == JobStatus.RUNNING);
    }

    [Fact]
    public async Task Import_by_site_and_job_id_leaves_the_job_alone_and_a_later_change_is_deployed()
    {
        var jar = TestJar.Build("org.speck.jobs.Filter");
        using var owner = Dir(Program(mode: "savepoint"), "owner", jar);
        var made = await owner.Stack.UpAsync();
        Assert.True(made.Succeeded, string.Join("\n", made.Errors) + made.ProviderStderr);
        var jobId = made.Outputs["jobId"]!.GetValue<string>();
        // What Flink does not report, the ID states: the topics and the jar (as the program names them).
        var id = $"site/{jobId}?tier=fog&spe=flink:{_site.Flink.BaseUrl}&broker={_site.Broker.Url}&source=sensors/in&sink=sensors/out&artifact=filter.jar&entryClass=org.speck.jobs.Filter";
        using var adopter = Dir(Program($"    options:\n      import: \"{id}\"", mode: "savepoint"), "adopter", jar);

        // The engine imports (Read), then diffs the program against Read's inputs: what Read could not learn is an
        // update, which records the program's inputs and leaves the running job alone (docs/pulumi-engine.md §Import).
        var imported = await adopter.Stack.UpAsync();

        Assert.True(imported.Succeeded, string.Join("\n", imported.Errors) + imported.ProviderStderr);
        Assert.Equal(jobId, imported.Outputs["jobId"]!.GetValue<string>());
        Assert.Equal(JobStatus.RUNNING, Assert.Single(_site.Flink.Jobs).State);
        Assert.Empty(_site.Flink.Job(jobId)!.Savepoints); // not restarted
        adopter.WriteProgram(Program(mode: "savepoint"));
        var preview = await adopter.Stack.PreviewAsync();
        Assert.True(preview.Succeeded, string.Join("\n", preview.Errors));
        Assert.Equal(StepKind.Same, preview.Step("job").Kind);

        adopter.WriteProgram(Program(mode: "savepoint", args: "[\"--faster\"]"));
        var changed = await adopter.Stack.UpAsync();
        Assert.True(changed.Succeeded, string.Join("\n", changed.Errors) + changed.ProviderStderr);
        var running = _site.Flink.Jobs.Single(j => j.State == JobStatus.RUNNING);
        Assert.Equal("--faster", running.ProgramArgs[^1]);
        Assert.Equal(Assert.Single(_site.Flink.Job(jobId)!.Savepoints), running.RestoredFrom);
    }

    [Fact]
    public async Task A_failed_upgrade_is_rolled_back_and_the_state_names_the_job_that_runs()
    {
        _site.Flink.FailJobs(new Speck.FlinkStandIn.Control.JobFailureRule(null, "--broken", TimeSpan.Zero));
        using var dir = Dir(Program(mode: "savepoint"), "rollback", TestJar.Build("org.speck.jobs.Filter"));
        var up = await dir.Stack.UpAsync();
        Assert.True(up.Succeeded, string.Join("\n", up.Errors) + up.ProviderStderr);
        var first = up.Outputs["jobId"]!.GetValue<string>();

        dir.WriteProgram(Program(mode: "savepoint", args: "[\"--broken\"]"));
        var broken = await dir.Stack.UpAsync();

        Assert.False(broken.Succeeded);
        Assert.Contains(broken.Step("job").InitErrors, e => e.Contains("rolled back"));
        var recorded = dir.Stack.LoadState().Resources.Single(r => r.Name == "job");
        var running = _site.Flink.Jobs.Single(j => j.State == JobStatus.RUNNING);
        Assert.Equal(running.JobId, recorded.Outputs["jobId"]!.GetValue<string>());
        Assert.DoesNotContain("--broken", running.ProgramArgs);
        Assert.Equal(Assert.Single(_site.Flink.Job(first)!.Savepoints), running.RestoredFrom);
        var preview = await dir.Stack.PreviewAsync();
        Assert.Equal(StepKind.Update, preview.Step("job").Kind);
    }
}

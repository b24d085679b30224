using Speck.Host.Resources;
using Speck.FlinkStandIn;
using Speck.FlinkStandIn.Jars;
using Speck.FlinkStandIn.Jobs;
using Speck.Harness.Deployment;
using Speck.Testbed.Mosquitto;
using Speck.Tests.Harness;

namespace Speck.Tests.Provider.Resources.StreamJob;

public sealed class InterruptedCreateHarnessTests
{
    private static readonly string Program = OneJobProgram.Yaml("interrupted", "      upgradeMode: stateless", "  jobId: ${job.jobId}");

    [Fact]
    public async Task An_up_stopped_while_the_job_starts_leaves_no_duplicate_after_the_next_up()
    {
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions());
        await using var flink = new Speck.FlinkStandIn.FlinkStandIn(new FlinkStandInOptions { SchedulingTime = TimeSpan.FromSeconds(3) });
        await flink.StartAsync();
        using var dir = new ProgramDir(Program, new Dictionary<string, string>
        {
            ["interrupted:speUrl"] = flink.BaseUrl, ["interrupted:brokerUrl"] = broker.Url,
        });
        File.WriteAllBytes(Path.Combine(dir.Path, "filter.jar"), TestJar.Build("org.speck.jobs.Filter"));

        // Stop the deployment (the provider is shut down) once Flink has accepted the job, before it runs.
        using var stop = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            for (var i = 0; i < 400 && flink.Requests.Matching("POST", "/jars/*/run").Count == 0; i++) await Task.Delay(25);
            await stop.CancelAsync();
        });
        var interrupted = await Record(() => dir.Stack.UpAsync(stop.Token));
        await watcher;
        Assert.Single(flink.Jobs);

        var up = await dir.Stack.UpAsync();
        Assert.True(up.Succeeded, string.Join("\n", up.Errors) + up.ProviderStderr);
        Assert.Equal(StepKind.Create, up.Step("job").Kind);
        var job = Assert.Single(flink.Jobs);
        Assert.Equal(JobStatus.RUNNING, job.State);
        Assert.Equal(job.JobId, up.Outputs["jobId"]!.GetValue<string>());
        Assert.Single(flink.Requests.Matching("POST", "/jars/*/run"));
        Assert.True(interrupted is null || !interrupted.Succeeded);
    }

    private static async Task<DeploymentResult?> Record(Func<Task<DeploymentResult>> up)
    {
        try { return await up(); }
        catch (OperationCanceledException) { return null; }
    }
}

/// <summary>A create whose job submission lost its answer: the job may have started, so it is cancelled or reported.</summary>
public sealed class LostSubmissionAnswerTests
{
    [Fact]
    public async Task The_job_that_started_is_cancelled_and_the_create_fails_cleanly_naming_the_site()
    {
        await using var w = await FlinkSites.StartAsync();
        w.Sites[0].Faults.FailNext("POST", "/jars/*/run", 1, Speck.FlinkStandIn.Control.FaultKind.DropResponse);

        var e = await Assert.ThrowsAsync<Speck.Host.Resources.ProviderException>(() => w.CreateAsync("lost", w.Job()));

        Assert.Equal(FailureKind.Unavailable, e.Kind);
        Assert.StartsWith("site 'site0': Flink at ", e.Message);
        Assert.Equal(JobStatus.CANCELED, Assert.Single(w.Sites[0].Jobs).State);
    }
}

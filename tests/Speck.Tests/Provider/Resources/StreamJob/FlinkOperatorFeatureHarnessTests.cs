using Speck.FlinkStandIn;
using Speck.FlinkStandIn.Jars;
using Speck.FlinkStandIn.Jobs;
using Speck.Harness.Deployment;
using Speck.Tests.Harness;

namespace Speck.Tests.Provider.Resources.StreamJob;

/// <summary>
/// What a Flink Kubernetes Operator (FlinkSessionJob) user expects of a StreamJob, through the engine harness on one
/// Flink stand-in: per-job Flink configuration, a first savepoint, savepoints and restarts on demand, last-state
/// restarts, savepoint retention and in-place rescaling. For each change the preview says what will happen to the
/// running job, and <c>up</c> does just that.
/// </summary>
public sealed class FlinkOperatorFeatureHarnessTests
{
    private const string Project = "onejob";

    private static string Program(OneFlinkSite site, string mode, string lines) => OneJobProgram.Yaml(Project,
        $"      upgradeMode: {mode}\n      savepointDirectory: {site.SavepointDir}\n{lines}", "  jobId: ${job.jobId}\n  lastSavepoint: ${job.lastSavepoint}");

    private static ProgramDir Dir(OneFlinkSite site, string program, string stack)
    {
        var dir = new ProgramDir(program, site.Config(Project), stack);
        File.WriteAllBytes(Path.Combine(dir.Path, "filter.jar"), TestJar.Build("org.speck.jobs.Filter"));
        return dir;
    }

    private static async Task<DeploymentResult> UpAsync(ProgramDir dir)
    {
        var up = await dir.Stack.UpAsync();
        Assert.True(up.Succeeded, string.Join("\n", up.Errors) + up.ProviderStderr);
        return up;
    }

    /// <summary>What the provider told about the job (preview or up), one message per line.</summary>
    private static string Said(DeploymentResult r) =>
        string.Join("\n", r.Logs.Where(l => l.Urn.EndsWith("::job", StringComparison.Ordinal)).Select(l => l.Message));

    private static string JobId(DeploymentResult r) => r.Outputs["jobId"]!.GetValue<string>();

    /// <summary>Changes the program, previews and ups it; returns both, the preview's words checked against up's.</summary>
    private static async Task<(DeploymentResult Preview, DeploymentResult Up)> ChangeAsync(ProgramDir dir, string program, string says)
    {
        dir.WriteProgram(program);
        var preview = await dir.Stack.PreviewAsync();
        Assert.True(preview.Succeeded, string.Join("\n", preview.Errors) + preview.ProviderStderr);
        Assert.Equal(StepKind.Update, preview.Step("job").Kind);
        Assert.True(Said(preview).Contains(says, StringComparison.Ordinal), $"the preview said: {Said(preview)}");
        var up = await UpAsync(dir);
        Assert.True(Said(up).Contains(says, StringComparison.Ordinal), $"up said: {Said(up)}");
        return (preview, up);
    }

    [Fact]
    public async Task FlinkConfiguration_goes_with_the_run_request_and_a_change_restarts_through_a_savepoint()
    {
        await using var site = await OneFlinkSite.StartAsync();
        string Conf(string name) => Program(site, "savepoint", $"      flinkConfiguration: {{ pipeline.name: {name} }}");
        using var dir = Dir(site, Conf("first"), "conf");
        var first = await UpAsync(dir);
        Assert.Equal("first", site.Flink.Job(JobId(first))!.FlinkConfiguration["pipeline.name"]);

        var (_, up) = await ChangeAsync(dir, Conf("second"), "restart through a savepoint");

        var old = site.Flink.Job(JobId(first))!;
        var @new = site.Flink.Job(JobId(up))!;
        Assert.Equal(JobStatus.FINISHED, old.State);
        Assert.Equal(Assert.Single(old.Savepoints), @new.RestoredFrom);
        Assert.Equal("second", @new.FlinkConfiguration["pipeline.name"]);
    }

    [Fact]
    public async Task InitialSavepointPath_starts_the_first_deployment_and_later_ones_start_from_the_jobs_own_savepoints()
    {
        await using var site = await OneFlinkSite.StartAsync();
        string seedPath;
        using (var seed = Dir(site, Program(site, "savepoint", "      savepointOnDelete: true"), "seed"))
        {
            var seeded = await UpAsync(seed);
            Assert.True((await seed.Stack.DestroyAsync()).Succeeded);
            seedPath = Assert.Single(site.Flink.Job(JobId(seeded))!.Savepoints);
        }
        string Main(string args) => Program(site, "savepoint", $"      initialSavepointPath: {seedPath}\n      arguments: [{args}]");
        using var dir = Dir(site, Main(""), "main");

        var first = await UpAsync(dir);

        var job = site.Flink.Job(JobId(first))!;
        Assert.Equal(seedPath, job.RestoredFrom);
        Assert.Equal(1, job.RestoredState);
        var (_, up) = await ChangeAsync(dir, Main("--fast"), "restart through a savepoint");
        Assert.Equal(Assert.Single(site.Flink.Job(JobId(first))!.Savepoints), site.Flink.Job(JobId(up))!.RestoredFrom);
    }

    [Fact]
    public async Task A_new_savepointTriggerNonce_takes_a_savepoint_only_and_retention_disposes_of_the_older_ones()
    {
        await using var site = await OneFlinkSite.StartAsync();
        string Nonce(string nonce) => Program(site, "savepoint", $"      savepointRetention: {{ maxCount: 1 }}\n      savepointTriggerNonce: \"{nonce}\"");
        using var dir = Dir(site, Nonce("0"), "nonce");
        var first = await UpAsync(dir);
        Assert.Empty(site.Flink.Job(JobId(first))!.Savepoints); // a nonce given at create takes none

        var (_, one) = await ChangeAsync(dir, Nonce("1"), "savepoint only");
        var (_, two) = await ChangeAsync(dir, Nonce("2"), "savepoint only");

        Assert.Equal(JobId(first), JobId(two));
        var job = site.Flink.Job(JobId(first))!;
        Assert.Equal(JobStatus.RUNNING, job.State);
        Assert.Equal(2, job.Savepoints.Count);
        Assert.Equal(job.Savepoints[0], one.Outputs["lastSavepoint"]!.GetValue<string>());
        Assert.Equal(job.Savepoints[1], two.Outputs["lastSavepoint"]!.GetValue<string>());
        // maxCount 1: the older one was disposed of through Flink and left the history.
        Assert.False(Directory.Exists(job.Savepoints[0]["file:".Length..]));
        Assert.True(Directory.Exists(job.Savepoints[1]["file:".Length..]));
        Assert.Single(site.Flink.Requests.Matching("POST", "/savepoint-disposal"));
        var history = dir.Stack.LoadState().Resources.Single(r => r.Name == "job").Outputs["savepointHistory"]!.AsArray();
        Assert.Equal([job.Savepoints[1]], history.Select(h => h!.GetValue<string>()));
        Assert.Contains("disposed of savepoint", Said(two));
    }

    [Fact]
    public async Task A_new_restartNonce_restarts_through_a_savepoint_with_nothing_else_changed()
    {
        await using var site = await OneFlinkSite.StartAsync();
        using var dir = Dir(site, Program(site, "savepoint", ""), "restart");
        var first = await UpAsync(dir);

        var (_, up) = await ChangeAsync(dir, Program(site, "savepoint", "      restartNonce: \"1\""), "restart through a savepoint");

        Assert.NotEqual(JobId(first), JobId(up));
        Assert.Equal(Assert.Single(site.Flink.Job(JobId(first))!.Savepoints), site.Flink.Job(JobId(up))!.RestoredFrom);
    }

    [Fact]
    public async Task Last_state_cancels_and_resumes_from_the_latest_retained_checkpoint_without_a_savepoint()
    {
        var checkpoints = Directory.CreateTempSubdirectory("speck-chk-").FullName;
        try
        {
            await using var site = await OneFlinkSite.StartAsync(new FlinkStandInOptions { CheckpointDir = checkpoints });
            string LastState(string args) => Program(site, "last-state",
                "      flinkConfiguration: { execution.checkpointing.interval: 50 ms, execution.checkpointing.externalized-checkpoint-retention: RETAIN_ON_CANCELLATION }\n" +
                $"      arguments: [{args}]");
            using var dir = Dir(site, LastState(""), "laststate");
            var first = await UpAsync(dir);
            for (var i = 0; i < 200 && site.Flink.Job(JobId(first))!.RetainedCheckpoints.Count == 0; i++) await Task.Delay(25);

            var (_, up) = await ChangeAsync(dir, LastState("--fast"), "last-state restart");

            var old = site.Flink.Job(JobId(first))!;
            var @new = site.Flink.Job(JobId(up))!;
            Assert.Equal(JobStatus.CANCELED, old.State);
            Assert.Empty(old.Savepoints);
            var checkpoint = Assert.Single(old.RetainedCheckpoints);
            Assert.Equal(checkpoint, @new.RestoredFrom);
            Assert.Contains($"/{old.JobId}/chk-", checkpoint);
            Assert.True(@new.RestoredState > 0);
            Assert.Equal(checkpoint, up.Outputs["lastSavepoint"]!.GetValue<string>());
        }
        finally { Directory.Delete(checkpoints, recursive: true); }
    }

    [Fact]
    public async Task Last_state_without_retained_checkpoints_is_refused_in_preview_and_up_leaves_the_job_running()
    {
        await using var site = await OneFlinkSite.StartAsync();
        using var dir = Dir(site, Program(site, "last-state", "      arguments: []"), "refused");
        var first = await UpAsync(dir);
        dir.WriteProgram(Program(site, "last-state", "      arguments: [--fast]"));

        var preview = await dir.Stack.PreviewAsync();
        var up = await dir.Stack.UpAsync();

        Assert.False(preview.Succeeded);
        Assert.Contains(preview.Errors, e => e.Contains("`last-state`") && e.Contains("takes no periodic checkpoints") && e.Contains("Nothing was changed"));
        Assert.False(up.Succeeded);
        var job = Assert.Single(site.Flink.Jobs);
        Assert.Equal(JobId(first), job.JobId);
        Assert.Equal(JobStatus.RUNNING, job.State);
    }

    [Fact]
    public async Task On_the_adaptive_scheduler_a_parallelism_change_rescales_in_place()
    {
        await using var site = await OneFlinkSite.StartAsync(new FlinkStandInOptions { Scheduler = "adaptive" });
        using var dir = Dir(site, Program(site, "savepoint", "      parallelism: 1"), "inplace");
        var first = await UpAsync(dir);

        var (_, up) = await ChangeAsync(dir, Program(site, "savepoint", "      parallelism: 2"), "in-place rescale: parallelism 1 → 2");

        Assert.Equal(JobId(first), JobId(up));
        var job = Assert.Single(site.Flink.Jobs);
        Assert.Empty(job.Savepoints);
        for (var i = 0; i < 200 && site.Flink.Job(job.JobId)!.State != JobStatus.RUNNING; i++) await Task.Delay(25);
        Assert.Equal(2, site.Flink.Job(job.JobId)!.Parallelism);
        Assert.Single(site.Flink.Requests.Matching("PUT", "/jobs/*/resource-requirements"));
    }

    [Fact]
    public async Task On_the_default_scheduler_a_parallelism_change_restarts_through_a_savepoint()
    {
        await using var site = await OneFlinkSite.StartAsync();
        using var dir = Dir(site, Program(site, "savepoint", "      parallelism: 1"), "restartscale");
        var first = await UpAsync(dir);

        var (_, up) = await ChangeAsync(dir, Program(site, "savepoint", "      parallelism: 2"), "restart through a savepoint");

        var @new = site.Flink.Job(JobId(up))!;
        Assert.Equal(2, @new.Parallelism);
        Assert.Equal(Assert.Single(site.Flink.Job(JobId(first))!.Savepoints), @new.RestoredFrom);
        Assert.Empty(site.Flink.Requests.Matching("PUT", "/jobs/*/resource-requirements"));
    }
}

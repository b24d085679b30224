using System.Text.RegularExpressions;
using Speck.FlinkStandIn;
using Speck.FlinkStandIn.Control;
using Speck.FlinkStandIn.Jobs;
using Speck.Harness;
using Speck.Harness.Deployment;

namespace Speck.Tests.Harness.Faults;

/// <summary>
/// Issue 11's fault suite: each fault, through the harness as a user meets it. The user is told which site failed
/// and why; the sites hold nothing the state does not record and nothing twice; once the fault is gone the next
/// up converges and a second up changes nothing.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class FaultSuiteTests(SitesFixture sites)
{
    [Fact]
    public async Task Broker_down()
    {
        await using var f = await FaultStack.StartAsync(sites);
        await f.Broker.StopAsync();

        var up = await f.Stack.UpAsync();

        Assert.False(up.Succeeded);
        var shown = Shown(up);
        Assert.Contains($"site 'edge': MQTT broker at {f.Broker.Url}: connection to {f.Broker.Url} was refused", shown);
        Assert.Contains($"site 'fog': MQTT broker at {f.Broker.Url}", shown);
        Assert.Empty(f.Flink.Jobs);
        Assert.Equal(0, await f.FlowsAsync());
        await f.Broker.RestartAsync();
        await f.NothingOrphanedAsync();
        await f.ConvergesAsync();
        await f.DestroyedAsync();
    }

    [Fact]
    public async Task Wrong_admin_password()
    {
        await using var f = await FaultStack.StartAsync(sites);
        f.Dir.WriteConfig(f.Config("not-the-admin-password"));

        var up = await f.Stack.UpAsync();

        Assert.False(up.Succeeded);
        var shown = Shown(up);
        Assert.Contains($"site 'edge': MQTT broker at {f.Broker.Url}: broker {f.Broker.Url} refused the login of user 'admin'", shown);
        Assert.DoesNotContain("not-the-admin-password", shown);
        await f.NothingOrphanedAsync();
        f.Dir.WriteConfig(f.Config(f.Broker.AdminPassword!));
        await f.ConvergesAsync();
        await f.DestroyedAsync();
    }

    [Fact]
    public async Task Node_red_down()
    {
        await using var f = await FaultStack.StartAsync(sites);
        DeploymentResult up;
        try
        {
            await sites.Engine.StopAsync();
            up = await f.Stack.UpAsync();
        }
        finally
        {
            await sites.Engine.RestartAsync();
        }

        Assert.False(up.Succeeded);
        var shown = Shown(up);
        Assert.Contains($"site 'edge': Node-RED at {sites.Engine.Url} is unreachable", shown);
        await f.NothingOrphanedAsync();
        await f.ConvergesAsync();
        await f.DestroyedAsync();
    }

    [Fact]
    public async Task Mosquitto_restarted_mid_up()
    {
        await using var f = await FaultStack.StartAsync(sites);
        var before = DynsecCommands(await f.Broker.ReadLogAsync());
        // Restart it as an operator does (systemctl restart) once the update's dynamic-security commands are under
        // way: those in flight, and those sent while it is down, fail.
        var restart = Task.Run(async () =>
        {
            for (var i = 0; i < 2000 && DynsecCommands(await f.Broker.ReadLogAsync()) < before + 3; i++) await Task.Delay(10);
            await f.Broker.RestartGracefullyAsync();
        });
        var up = await f.Stack.UpAsync(skipPreview: true);
        await restart;

        // Usually some command meets the restart; when none does, the up simply succeeds.
        if (!up.Succeeded) Assert.Matches($@"site '(edge|fog)': MQTT broker at {Regex.Escape(f.Broker.Url)}", Shown(up));
        Assert.Empty(f.Stack.LoadState().PendingOperations);
        // A create whose answer was lost (UNKNOWN) is not recorded, as the engine does not record it: what it made
        // waits for the next up, which takes it over. So here only: nothing twice.
        Assert.True((await f.WorldAsync()).Within(World.Deployed));
        await f.ConvergesAsync();
        await f.DestroyedAsync();
    }

    private static int DynsecCommands(string brokerLog) =>
        Regex.Count(brokerLog, @"Received PUBLISH from \S+ \([^)]*'\$CONTROL/dynamic-security/v1'");

    [Fact]
    public async Task Provider_killed_mid_up()
    {
        await using var f = await FaultStack.StartAsync(sites, new FlinkStandInOptions { SchedulingTime = TimeSpan.FromSeconds(3) });
        var providers = new List<int>();
        var watched = f.WatchedStack(pid => { lock (providers) providers.Add(pid); });
        // The job is submitted and starting: the engine is terminated and its provider killed, as a cancelled CI job does.
        using var terminate = new CancellationTokenSource();
        var kill = Task.Run(async () =>
        {
            for (var i = 0; i < 600 && f.Flink.Requests.Matching("POST", "/jars/*/run").Count == 0; i++) await Task.Delay(25);
            lock (providers) System.Diagnostics.Process.GetProcessById(providers[^1]).Kill();
            await terminate.CancelAsync();
        });
        var killed = await Interrupted(() => watched.UpAsync(terminate.Token));
        await kill;

        // The interrupted run names the job whose create it left (when it gets to say anything).
        if (killed is not null) Assert.Contains(f.Urn("StreamJob", "fogJob"), Shown(killed));
        var pending = f.Stack.LoadState().PendingOperations;
        var create = Assert.Single(pending, p => p.Resource.Urn == f.Urn("StreamJob", "fogJob"));
        Assert.Equal("creating", create.Type);
        Assert.Equal("org.speck.Job", create.Resource.Inputs["entryClass"]!.GetValue<string>());
        Assert.All(pending, p => Assert.Equal("creating", p.Type));
        Assert.Single(f.Flink.Jobs);

        var up = await f.Stack.UpAsync();

        Assert.True(up.Succeeded, string.Join("\n", up.Errors) + up.ProviderStderr);
        // The next update tells the user, in the engine's words, which operations were interrupted, and goes ahead.
        var warning = Assert.Single(up.Warnings, w => w.Contains("pending operations from previous deployment", StringComparison.Ordinal));
        Assert.Contains($"  * {f.Urn("StreamJob", "fogJob")}, interrupted while creating", warning);
        Assert.Contains("warning: Attempting to deploy or update resources with", Shown(up));
        Assert.Equal(World.Deployed, await f.WorldAsync());
        Assert.Single(f.Flink.Jobs, j => !j.State.IsGloballyTerminal());
        // The engine keeps a pending create until the user clears it; then every later up is quiet.
        Assert.NotEmpty(f.Stack.LoadState().PendingOperations);
        Assert.True((await f.Stack.RefreshAsync(new RefreshOptions { ClearPendingCreates = true })).Succeeded);
        var quiet = await f.ConvergesAsync();
        Assert.DoesNotContain(quiet.Warnings, w => w.Contains("pending operations", StringComparison.Ordinal));
        await f.DestroyedAsync();
    }

    [Fact]
    public async Task Destroy_with_sites_down()
    {
        await using var f = await FaultStack.StartAsync(sites);
        await f.ConvergesAsync();
        DeploymentResult down;
        await f.Broker.StopAsync();
        try
        {
            await sites.Engine.StopAsync();
            down = await f.Stack.DestroyAsync();
        }
        finally
        {
            await sites.Engine.RestartAsync();
            await f.Broker.RestartAsync();
        }

        Assert.False(down.Succeeded);
        var shown = Shown(down);
        Assert.Contains($"site 'edge': Node-RED at {sites.Engine.Url} is unreachable", shown);
        Assert.Contains($"site 'fog': MQTT broker at {f.Broker.Url}", shown);
        // Whatever went is gone from the state too; whatever stayed is still recorded.
        await f.NothingOrphanedAsync();
        var again = await f.Stack.DestroyAsync();
        Assert.True(again.Succeeded, string.Join("\n", again.Errors));
        Assert.Equal(World.Empty, await f.WorldAsync());
        Assert.Empty((await f.Stack.DestroyAsync()).Steps);
    }

    /// <summary>Found by this suite: a create whose submission answer was lost failed "cleanly" and left its job running unrecorded.</summary>
    [Fact]
    public async Task Flink_answer_lost_mid_create()
    {
        await using var f = await FaultStack.StartAsync(sites);
        f.Flink.Faults.FailNext("POST", "/jars/*/run", 1, FaultKind.DropResponse);

        var up = await f.Stack.UpAsync();

        Assert.False(up.Succeeded);
        Assert.Contains($"site 'fog': Flink at {f.Flink.BaseUrl}", Shown(up));
        Assert.DoesNotContain(f.Flink.Jobs, j => !j.State.IsGloballyTerminal());
        await f.NothingOrphanedAsync();
        await f.ConvergesAsync();
        await f.DestroyedAsync();
    }

    private static async Task<DeploymentResult?> Interrupted(Func<Task<DeploymentResult>> run)
    {
        try { return await run(); }
        catch (OperationCanceledException) { return null; }
    }

    /// <summary>What the user reads: the CLI's summary of the preview and of the update, as speck-engine prints them.</summary>
    private static string Shown(DeploymentResult r)
    {
        var w = new StringWriter();
        if (r.Preview is { } preview) Summary.Write(preview, w);
        Summary.Write(r, w);
        return w.ToString();
    }
}

using System.Text.Json.Nodes;
using Grpc.Core;
using Speck.Host.Resources;
using Speck.Provider.Brokers.Mqtt;
using Speck.Provider.Model;
using Speck.Provider.Spe;
using Speck.Provider.Spe.NodeRed;
using Speck.Tests.Provider.Brokers.Mqtt;

namespace Speck.Tests.Provider.Spe.NodeRed;

/// <summary>The Node-RED binder behind the engine interface StreamJob uses, on a real Node-RED.</summary>
public sealed class NodeRedBinderJobTests(NodeRedSiteFixture site) : IClassFixture<NodeRedSiteFixture>, IDisposable
{
    private readonly SiteHttp _http = new();
    private NodeRedBinder Binder => new(_http);
    private SpeEndpoint Endpoint => new() { Kind = SpeKind.NodeRed, Url = site.Engine.Url };

    private JobDeployment Deployment(NodeRedFlow flow, TimeSpan? ready = null) => new()
    {
        Endpoint = Endpoint, Key = "k", Generation = 1, Artifact = NodeRedFlowArtifact.From(flow), Arguments = [],
        ReadyTimeout = ready ?? NodeRedTest.ConnectTimeout,
    };

    [Fact]
    public async Task Deploy_runs_the_flow_and_find_follows_it_until_stop_removes_it()
    {
        var flow = NodeRedFlowBuilder.Build(NodeRedTest.UpperCaseJob(site, MqttTest.Unique("job"), MqttTest.Unique("in"), MqttTest.Unique("out")));
        var job = await Binder.DeployAsync(Deployment(flow), CancellationToken.None);

        Assert.True(job.Running, job.Problem);
        Assert.Equal(flow.Hash, job.ArtifactId);
        Assert.NotNull(job.StartTime);
        var found = await Binder.FindAsync(Endpoint, job.JobId, CancellationToken.None);
        Assert.NotNull(found);
        Assert.True(found.Live);
        Assert.Null(found.Problem);
        Assert.Equal(job.StartTime, found.StartTime);

        // A redeploy of the same job keeps its flow: same id.
        var again = await Binder.DeployAsync(Deployment(flow) with { Generation = 2 }, CancellationToken.None);
        Assert.Equal(job.JobId, again.JobId);

        Assert.Null(await Binder.StopAsync(Endpoint, job.JobId, new JobStop(false, null), CancellationToken.None));
        // Through the interface StreamJob holds, not its default "not supported" bodies.
        Assert.Null(await ((ISpeBinder)Binder).FindAsync(Endpoint, job.JobId, CancellationToken.None));
        Assert.Null(await Binder.StopAsync(Endpoint, job.JobId, new JobStop(false, null), CancellationToken.None));
    }

    [Fact]
    public async Task Find_reports_a_flow_edited_or_disabled_by_hand_using_the_hash_it_recorded()
    {
        var flow = NodeRedFlowBuilder.Build(NodeRedTest.UpperCaseJob(site, MqttTest.Unique("job"), MqttTest.Unique("in"), MqttTest.Unique("out")));
        var job = await Binder.DeployAsync(Deployment(flow), CancellationToken.None);
        var client = site.Client();

        var live = (await client.GetFlowAsync(job.JobId, CancellationToken.None))!;
        live["label"] = "renamed by hand";
        await client.PutFlowAsync(job.JobId, live, CancellationToken.None);
        var edited = await Binder.FindAsync(Endpoint, job.JobId, CancellationToken.None);
        Assert.Contains("edited on the engine", edited!.Problem);

        live["disabled"] = true;
        await client.PutFlowAsync(job.JobId, live, CancellationToken.None);
        var disabled = await Binder.FindAsync(Endpoint, job.JobId, CancellationToken.None);
        Assert.Equal(JobStates.Canceled, disabled!.State);
        Assert.False(disabled.Live);
        await Binder.StopAsync(Endpoint, job.JobId, new JobStop(false, null), CancellationToken.None);
    }

    [Fact]
    public async Task An_unreachable_broker_gives_a_job_that_is_not_running_with_the_reason()
    {
        var closed = MqttUrl.Parse($"mqtt://127.0.0.1:{Speck.Testbed.LoopbackPorts.PickFree()}");
        var flow = NodeRedFlowBuilder.Build(NodeRedTest.UpperCaseJob(site, MqttTest.Unique("job"), "in", "out", closed));
        var job = await Binder.DeployAsync(Deployment(flow, TimeSpan.FromSeconds(2)), CancellationToken.None);

        Assert.False(job.Running);
        Assert.Contains($"source 'in' on {closed.Url} is", job.Problem);
        // Node-RED shows only "connecting"; the provider's own try with the flow's settings names the cause.
        Assert.Contains("the provider, connecting as the job would, fails too: ", job.Problem);
        Assert.Contains(closed.Url, job.Problem![job.Problem!.IndexOf("fails too", StringComparison.Ordinal)..]);
        await Binder.StopAsync(Endpoint, job.JobId, new JobStop(false, null), CancellationToken.None);
    }

    [Fact]
    public async Task Savepoints_and_invalid_flows_are_refused_with_clean_codes()
    {
        var flow = NodeRedFlowBuilder.Build(NodeRedTest.UpperCaseJob(site, MqttTest.Unique("job"), "in", "out"));
        var restore = await Assert.ThrowsAsync<ProviderException>(() =>
            Binder.DeployAsync(Deployment(flow) with { RestoreFrom = "file:///sp/1" }, CancellationToken.None));
        Assert.Equal(FailureKind.PreconditionFailed, restore.Kind);
        var stop = await Assert.ThrowsAsync<ProviderException>(() =>
            Binder.StopAsync(Endpoint, "any", new JobStop(true, null), CancellationToken.None));
        Assert.Equal(FailureKind.PreconditionFailed, stop.Kind);

        var jar = new JobArtifact("ab12", "job.jar", _ => Task.FromResult<Stream>(new MemoryStream([0x50, 0x4B, 0x03, 0x04])));
        var notAFlow = await Assert.ThrowsAsync<ProviderException>(() =>
            Binder.DeployAsync(Deployment(flow) with { Artifact = jar }, CancellationToken.None));
        Assert.Equal(FailureKind.InvalidInput, notAFlow.Kind);
        Assert.Contains("'job.jar' is not a Node-RED flow", notAFlow.Message);

        var bad = (JsonObject)flow.Body.DeepClone();
        bad["nodes"]!.AsArray().Add(new JsonObject { ["id"] = flow.Prefix + "-x", ["type"] = "no-such-node", ["x"] = 1, ["y"] = 1, ["wires"] = new JsonArray() });
        var invalid = await Assert.ThrowsAsync<ProviderException>(() =>
            Binder.DeployAsync(Deployment(NodeRedFlow.FromBody(bad)), CancellationToken.None));
        Assert.Equal(FailureKind.InvalidInput, invalid.Kind);
        Assert.Contains("no-such-node", invalid.Message);
        Assert.DoesNotContain(flow.Prefix, (await site.Client().GetFlowsAsync(CancellationToken.None)).ToJsonString());
    }

    public void Dispose() => _http.Dispose();
}

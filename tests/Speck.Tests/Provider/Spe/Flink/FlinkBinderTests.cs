using System.Net;
using System.Net.Sockets;
using Speck.FlinkStandIn;
using Speck.FlinkStandIn.Jars;
using Speck.FlinkStandIn.Jobs;
using Speck.Host.Resources;
using Speck.Provider.Model;
using Speck.Provider.Spe;
using Speck.Provider.Spe.Flink;
using Speck.Testbed.Mosquitto;
using static Speck.Tests.Provider.Resources.ResourceDriver;

using Speck.Tests.Provider.Resources.StreamJob;

namespace Speck.Tests.Provider.Spe.Flink;

public sealed class FlinkBinderTests : IDisposable
{
    private readonly SiteHttp _http = new();
    private FlinkBinder Binder => new(_http);

    public void Dispose() => _http.Dispose();

    private static SpeEndpoint Endpoint(string url) => new() { Kind = SpeKind.Flink, Url = url };

    private static JobArtifact Artifact(string entryClass)
    {
        var bytes = TestJar.Build(entryClass);
        return new JobArtifact(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), "job.jar",
            _ => Task.FromResult<Stream>(new MemoryStream(bytes)));
    }

    private readonly JobArtifact _artifact = Artifact("org.example.Job");

    private JobDeployment Deployment(string url, string key, int generation = 1) => new()
    {
        Endpoint = Endpoint(url), Key = key, Generation = generation, Artifact = _artifact,
        EntryClass = "org.example.Job", Arguments = ["a"], ReadyTimeout = TimeSpan.FromSeconds(10),
    };

    [Fact]
    public async Task Probe_reads_the_version_and_says_when_jars_cannot_be_submitted()
    {
        await using var open = new Speck.FlinkStandIn.FlinkStandIn(new FlinkStandInOptions { FlinkVersion = "1.19.1" });
        await using var locked = new Speck.FlinkStandIn.FlinkStandIn(new FlinkStandInOptions { WebSubmit = false });

        var probe = await Binder.ProbeAsync(Endpoint(await open.StartAsync()), CancellationToken.None);
        var lockedProbe = await Binder.ProbeAsync(Endpoint(await locked.StartAsync()), CancellationToken.None);

        Assert.Equal("1.19.1", probe.Version);
        Assert.Equal("Flink 1.19.1", probe.Summary);
        Assert.Contains("web.submit.enable=false", lockedProbe.Summary);
        var e = await Assert.ThrowsAsync<ProviderException>(() => Binder.DeployAsync(Deployment(locked.BaseUrl, "k"), CancellationToken.None));
        Assert.Equal(FailureKind.PreconditionFailed, e.Kind);
        Assert.Contains("web.submit.enable=false", e.Message);
    }

    [Fact]
    public async Task Probe_of_a_closed_port_says_connection_refused()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var e = await Assert.ThrowsAsync<EndpointUnreachableException>(() => Binder.ProbeAsync(Endpoint($"http://127.0.0.1:{port}"), CancellationToken.None));
        Assert.Contains("connection refused", e.Message);
    }

    [Fact]
    public async Task A_site_with_a_flink_engine_registers_with_its_version()
    {
        await using var flink = new Speck.FlinkStandIn.FlinkStandIn();
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions());
        var driver = new Speck.Tests.Provider.Resources.ResourceDriver();

        var (_, created) = await driver.CreateAsync("speck:index:SpeSite", "fog", Map(("tier", S("fog")),
            ("spe", Obj(("kind", S("flink")), ("url", S(await flink.StartAsync())))),
            ("broker", Obj(("kind", S("mqtt")), ("url", S(broker.Url))))));

        Assert.Equal("1.20.0", created.Outputs["speVersion"].AsString);
        Assert.True(created.Outputs["speReachable"].AsBool);
    }

    [Fact]
    public async Task A_generation_whose_job_ended_before_is_skipped_never_reused()
    {
        await using var flink = new Speck.FlinkStandIn.FlinkStandIn();
        var url = await flink.StartAsync();
        var first = await Binder.DeployAsync(Deployment(url, "urn:x"), CancellationToken.None);
        await Binder.StopAsync(Endpoint(url), first.JobId, new JobStop(false, null), CancellationToken.None);

        var again = await Binder.DeployAsync(Deployment(url, "urn:x"), CancellationToken.None);

        Assert.Equal(1, first.Generation);
        Assert.Equal(2, again.Generation);
        Assert.NotEqual(first.JobId, again.JobId);
        Assert.Equal(first.JobId[..8], again.JobId[..8]);
        Assert.Equal(JobStatus.RUNNING, flink.Job(again.JobId)!.State);
        Assert.Equal(JobStatus.CANCELED, flink.Job(first.JobId)!.State);
    }

    [Fact]
    public async Task Stop_with_savepoint_without_any_directory_fails_cleanly_and_the_job_keeps_running()
    {
        await using var flink = new Speck.FlinkStandIn.FlinkStandIn();
        var url = await flink.StartAsync();
        var job = await Binder.DeployAsync(Deployment(url, "urn:y"), CancellationToken.None);

        var e = await Assert.ThrowsAsync<ProviderException>(() => Binder.StopAsync(Endpoint(url), job.JobId, new JobStop(true, null), CancellationToken.None));

        Assert.Equal(FailureKind.PreconditionFailed, e.Kind);
        Assert.Contains("savepointDirectory", e.Message);
        Assert.Contains("execution.checkpointing.savepoint-dir", e.Message);
        Assert.Equal(JobStatus.RUNNING, flink.Job(job.JobId)!.State);
    }

    [Fact]
    public async Task The_client_turns_flink_answers_into_outcomes_and_readable_errors()
    {
        await using var flink = new Speck.FlinkStandIn.FlinkStandIn();
        var client = Binder.Client(Endpoint(await flink.StartAsync()));
        var unknown = "0123456789abcdef0123456789abcdef";

        Assert.Null(await client.GetJobAsync(unknown, CancellationToken.None));
        Assert.Equal(CancelOutcome.Missing, await client.CancelAsync(unknown, CancellationToken.None));
        Assert.False(await client.DeleteJarAsync("nope_x.jar", CancellationToken.None));
        var e = await Assert.ThrowsAsync<FlinkRestException>(() => client.GetJobAsync("not-hex", CancellationToken.None));
        Assert.Equal(HttpStatusCode.BadRequest, e.Status);
        Assert.DoesNotContain("\tat ", e.Message);
        Assert.StartsWith("Flink GET /jobs/not-hex answered 400:", e.Message);
    }
}

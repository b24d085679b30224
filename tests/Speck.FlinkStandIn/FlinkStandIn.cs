using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Speck.FlinkStandIn.Control;
using Speck.FlinkStandIn.Http;
using Speck.FlinkStandIn.Jars;
using Speck.FlinkStandIn.Jobs;
using Speck.FlinkStandIn.Savepoints;

namespace Speck.FlinkStandIn;

/// <summary>
/// A Flink 1.20 JobManager REST endpoint on loopback that follows Flink's documented behaviour (docs/flink-rest.md):
/// jars, runs, job states, cancel, savepoints and stop-with-savepoint. It never runs user code. Tests drive it over
/// HTTP and inspect or disturb it through the members below, which are not part of the REST API.
/// </summary>
public sealed class FlinkStandIn : IAsyncDisposable
{
    private readonly Router _router = new();
    private readonly JobStore _jobs;
    private readonly SavepointOperations _savepoints;
    private readonly SavepointDisposals _disposals;
    private readonly JarStore _jars;
    private readonly bool _ownsUploadDir;
    private readonly CancellationTokenSource _stop = new();
    private WebApplication? _app;
    private Task? _clock;

    public FlinkStandIn(FlinkStandInOptions? options = null)
    {
        Options = options ?? new FlinkStandInOptions();
        Latency = Options.Latency;
        _ownsUploadDir = Options.UploadDir is null;
        var uploadDir = Options.UploadDir ?? Path.Combine(Path.GetTempPath(), $"flink-web-{Guid.NewGuid()}", "flink-web-upload");
        _jars = new JarStore(uploadDir);
        _jobs = new JobStore(Options, TimeProvider.System);
        _savepoints = new SavepointOperations(_jobs, Options);
        _disposals = new SavepointDisposals(_jobs, Options);
        ClusterRoutes.Map(_router, Options, _jobs);
        if (Options.WebSubmit) JarRoutes.Map(_router, _jars, new JarRun(_jars, _jobs, Options), () => BaseUrl.TrimEnd('/'));
        JobRoutes.Map(_router, _jobs);
        ResourceRequirementRoutes.Map(_router, _jobs, Options);
        SavepointRoutes.Map(_router, _savepoints, _disposals, Options);
    }

    public FlinkStandInOptions Options { get; }

    /// <summary><c>http://127.0.0.1:&lt;port&gt;</c> once started.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>The routes served, as Flink templates (each also under <c>/v1</c>).</summary>
    public IReadOnlyList<RouteInfo> Routes => _router.Routes;

    public RequestLog Requests { get; } = new();
    public RequestFaults Faults { get; } = new();
    public string UploadDirectory => _jars.Directory;

    /// <summary>Delay added before every answer.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Total task slots; lowering it never takes slots from running jobs, it only limits new deployments.</summary>
    public int TaskSlots
    {
        get { lock (_jobs.Sync) return _jobs.TotalSlots; }
        set { lock (_jobs.Sync) _jobs.TotalSlots = value; }
    }

    /// <summary>Matching jobs fail a while after their tasks start (see <see cref="JobFailureRule"/>).</summary>
    public void FailJobs(JobFailureRule rule) => _jobs.AddFailureRule(rule);

    /// <summary>The next <paramref name="count"/> savepoints (of one job, or any) complete with a CheckpointException.</summary>
    public void FailNextSavepoints(int count = 1, string? jobId = null) => _savepoints.FailNext(count, jobId);

    /// <summary>The next stop-with-savepoints take their savepoint, then the job fails while stopping (FLINK-33522).</summary>
    public void FailNextStopsAfterSavepoint(int count = 1, string? jobId = null) => _savepoints.FailNextStopsAfterSavepoint(count, jobId);

    public IReadOnlyList<StandInJob> Jobs
    {
        get { _jobs.Advance(); lock (_jobs.Sync) return _jobs.All.Select(j => j.Snapshot()).ToList(); }
    }

    public StandInJob? Job(string jobId)
    {
        _jobs.Advance();
        lock (_jobs.Sync) return _jobs.FindAny(jobId.ToLowerInvariant())?.Snapshot();
    }

    /// <summary>Starts Kestrel and returns the base URL.</summary>
    public async Task<string> StartAsync(CancellationToken ct = default)
    {
        if (_app is not null) throw new InvalidOperationException("Already started.");
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Parse(Options.Host), Options.Port);
            k.Limits.MaxRequestBodySize = 104_857_600; // rest.server.max-content-length
        });
        _app = builder.Build();
        _app.Run(new RequestPipeline(_router, Requests, Faults, () => Latency, Advance).HandleAsync);
        await _app.StartAsync(ct);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = address.Replace("[::]", Options.Host).TrimEnd('/');
        _clock = RunClockAsync(_stop.Token);
        return BaseUrl;
    }

    private async Task RunClockAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        try
        {
            while (await timer.WaitForNextTickAsync(ct)) Advance();
        }
        catch (OperationCanceledException) { }
    }

    private void Advance()
    {
        _jobs.Advance();
        _savepoints.Advance();
        _disposals.Advance();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_clock is not null) await _clock;
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        _stop.Dispose();
        if (_ownsUploadDir)
        {
            try { Directory.Delete(Path.GetDirectoryName(_jars.Directory)!, recursive: true); }
            catch (DirectoryNotFoundException) { }
        }
    }
}

using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Speck.Harness.Deployment;
using Speck.Harness.Engine;

namespace Speck.Harness.Monitor;

/// <summary>
/// What the resource monitor shares with the run of one program: the step planner, the root stack's outputs, and
/// the shutdown handshake (the program's SignalAndWaitForShutdown waits for <see cref="Finished"/>, which the run
/// completes once every step, deletes included, is done).
/// </summary>
internal sealed class MonitorSession(UpdateRun run, string programDirectory)
{
    private readonly TaskCompletionSource _signalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiters;

    public UpdateRun Run => run;
    public string ProgramDirectory => programDirectory;

    /// <summary>The root stack resource's outputs (RegisterResourceOutputs on its URN): the stack outputs.</summary>
    public JsonObject StackOutputs { get; set; } = new();

    public Task ShutdownSignalled => _signalled.Task;
    public Task Finished => _finished.Task;

    /// <summary>False when a caller is already waiting (the engine's hasWaiter, source_eval.go:1794-1805 (pulumi v3.259.0)).</summary>
    public bool TrySignalShutdown()
    {
        if (Interlocked.Exchange(ref _waiters, 1) != 0) return false;
        _signalled.TrySetResult();
        return true;
    }

    public void MarkFinished() => _finished.TrySetResult();
}

/// <summary>The resource monitor on 127.0.0.1 (h2c), one per program run, as the engine starts its resmon for each deployment.</summary>
internal sealed class MonitorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    public string Address { get; }

    private MonitorServer(WebApplication app, string address) => (_app, Address) = (app, address);

    public static async Task<MonitorServer> StartAsync(MonitorSession session, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = ProviderProcess.MaxMessageSize;
            o.MaxSendMessageSize = ProviderProcess.MaxMessageSize;
        });
        builder.Services.AddSingleton(session);
        var app = builder.Build();
        app.MapGrpcService<ResourceMonitorService>();
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new MonitorServer(app, $"127.0.0.1:{new Uri(address).Port}");
    }

    public async ValueTask DisposeAsync()
    {
        // The program may still hold calls open (a SignalAndWaitForShutdown after a failure): do not wait for them.
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try { await _app.StopAsync(grace.Token); } catch (OperationCanceledException) { }
        await _app.DisposeAsync();
    }
}

using System.Collections.Concurrent;
using System.Net;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pulumirpc;

namespace Speck.Harness.Engine;

public enum LogSeverityLevel { Debug = 0, Info = 1, Warning = 2, Error = 3 }

/// <summary>
/// One message a provider sent to the engine, tied to a resource when it named a URN. An ephemeral one is a status
/// line: the CLI shows it in the resource's row while the step runs and leaves it out of the final output
/// (pkg/host/host_server.go Log, pulumi v3.259.0: ephemeral requests go to LogStatus, the status sink).
/// </summary>
public sealed record EngineLogEntry(LogSeverityLevel Severity, string Message, string Urn, bool Ephemeral = false);

/// <summary>The engine's side of <c>pulumirpc.Engine</c>: serves <c>Log</c> on 127.0.0.1 (h2c) for the provider's messages.</summary>
public sealed class EngineLogServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    public ConcurrentQueue<EngineLogEntry> Entries { get; } = new();
    public int Port { get; }
    public string Address => $"127.0.0.1:{Port}";

    /// <summary>Called for each message as it arrives (the CLI prints them live).</summary>
    public Action<EngineLogEntry>? OnLog { get; set; }

    private EngineLogServer(WebApplication app, int port) => (_app, Port) = (app, port);

    public static async Task<EngineLogServer> StartAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = ProviderProcess.MaxMessageSize;
            o.MaxSendMessageSize = ProviderProcess.MaxMessageSize;
        });
        var holder = new Holder();
        builder.Services.AddSingleton(holder);
        var app = builder.Build();
        app.MapGrpcService<EngineService>();
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var server = new EngineLogServer(app, new Uri(address).Port);
        holder.Server = server;
        return server;
    }

    internal void Add(LogRequest r)
    {
        var entry = new EngineLogEntry((LogSeverityLevel)(int)r.Severity, r.Message, r.Urn, r.Ephemeral);
        Entries.Enqueue(entry);
        OnLog?.Invoke(entry);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    internal sealed class Holder
    {
        public EngineLogServer? Server { get; set; }
    }

    internal sealed class EngineService(Holder holder) : Pulumirpc.Engine.EngineBase
    {
        public override Task<Empty> Log(LogRequest request, ServerCallContext context)
        {
            holder.Server?.Add(request);
            return Task.FromResult(new Empty());
        }
    }
}

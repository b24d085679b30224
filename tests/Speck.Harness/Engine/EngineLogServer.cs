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

/// <summary>
/// The engine's side of <c>pulumirpc.Engine</c> on 127.0.0.1 (h2c): <c>Log</c> for the provider's and the program's
/// messages, and the root resource a language SDK records (<c>SetRootResource</c>) and reads back
/// (<c>GetRootResource</c>), as the engine's host server keeps it (pkg/host/host_server.go:117-135
/// (pulumi v3.259.0): one URN, set and read back as given).
/// </summary>
public sealed class EngineLogServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    public ConcurrentQueue<EngineLogEntry> Entries { get; } = new();
    public int Port { get; }
    public string Address => $"127.0.0.1:{Port}";

    /// <summary>The URN a program's SDK set as the root (stack) resource; "" until it does.</summary>
    public string RootUrn { get; internal set; } = "";

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

        public override Task<GetRootResourceResponse> GetRootResource(GetRootResourceRequest request, ServerCallContext context) =>
            Task.FromResult(new GetRootResourceResponse { Urn = holder.Server?.RootUrn ?? "" });

        public override Task<SetRootResourceResponse> SetRootResource(SetRootResourceRequest request, ServerCallContext context)
        {
            if (holder.Server is { } server) server.RootUrn = request.Urn;
            return Task.FromResult(new SetRootResourceResponse());
        }
    }
}

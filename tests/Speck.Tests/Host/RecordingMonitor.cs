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

namespace Speck.Tests.Host;

/// <summary>
/// A resource monitor on 127.0.0.1 (h2c) that records what a provider's Construct registers and answers as the
/// engine does in a preview: the URN from the parent's type and the name, no ID, no outputs. No steps run, so a
/// test sees exactly the requests the provider sends.
/// </summary>
public sealed class RecordingMonitor : IAsyncDisposable
{
    private readonly WebApplication _app;

    public ConcurrentQueue<RegisterResourceRequest> Registrations { get; } = new();
    public ConcurrentQueue<RegisterResourceOutputsRequest> Outputs { get; } = new();
    public string Address { get; private set; } = "";

    private RecordingMonitor()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(this);
        _app = builder.Build();
        _app.MapGrpcService<Service>();
    }

    public static async Task<RecordingMonitor> StartAsync()
    {
        var monitor = new RecordingMonitor();
        await monitor._app.StartAsync();
        var address = monitor._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        monitor.Address = $"127.0.0.1:{new Uri(address).Port}";
        return monitor;
    }

    /// <summary>
    /// The URN the engine gives: the parent's qualified type joins the type, unless the parent is the root stack
    /// (deployment.go:796-805 (pulumi v3.259.0)).
    /// </summary>
    public static string UrnOf(string type, string name, string parent) =>
        $"urn:pulumi:s::p::{(parent.Length == 0 || parent.Split("::")[2] == "pulumi:pulumi:Stack" ? type : $"{parent.Split("::")[2]}${type}")}::{name}";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class Service(RecordingMonitor monitor) : ResourceMonitor.ResourceMonitorBase
    {
        public override Task<RegisterResourceResponse> RegisterResource(RegisterResourceRequest request, ServerCallContext context)
        {
            monitor.Registrations.Enqueue(request);
            return Task.FromResult(new RegisterResourceResponse
            {
                Urn = UrnOf(request.Type, request.Name, request.Parent), Object = new Struct(), Result = Result.Success,
            });
        }

        public override Task<Empty> RegisterResourceOutputs(RegisterResourceOutputsRequest request, ServerCallContext context)
        {
            monitor.Outputs.Enqueue(request);
            return Task.FromResult(new Empty());
        }
    }
}

using System.Net;
using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Speck.Host.Grpc;

/// <summary>
/// Runs a provider as the engine launches a resource plugin: flags, then the engine address; h2c on 127.0.0.1 at
/// an OS-chosen port, printed as the first line of stdout; exit on SIGINT.
/// </summary>
public static class ProviderServer
{
    public const int MaxMessageSize = 400 * 1024 * 1024;

    /// <summary>The engine address among the launch arguments: flags (and <c>--tracing X</c>) are skipped.</summary>
    public static string? EngineAddress(IReadOnlyList<string> args)
    {
        string? address = null;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--tracing") { i++; continue; }
            if (args[i].StartsWith('-')) continue;
            address = args[i];
        }
        return address;
    }

    public static async Task<int> ServeAsync(IReadOnlyList<string> args, ProviderDefinition provider, CancellationToken ct = default)
    {
        var log = new EngineLog();
        log.Connect(EngineAddress(args));
        // The engine starts plugins in the program's folder. A default host would take that folder as its content root,
        // read appsettings.json and environment variables, watch the tree for changes (a recursive inotify walk of it,
        // node_modules and all) and set up logging, all before the port line. The provider needs none of it: an empty
        // host rooted in its own folder, with Kestrel, routing and gRPC only.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRoutingCore();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2);
            k.Limits.MaxRequestBodySize = MaxMessageSize;
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(3));
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = MaxMessageSize;
            o.MaxSendMessageSize = MaxMessageSize;
        });
        // The service is bound by DeepMessages (deep requests), not by Grpc.AspNetCore's own binder: both at once
        // would map every method twice.
        builder.Services.RemoveAll(typeof(IServiceMethodProvider<>));
        builder.Services.AddSingleton<IServiceMethodProvider<ResourceProviderService>, DeepMessages>();
        builder.Services.AddSingleton<ResourceProviderService>();
        builder.Services.AddSingleton(provider);
        builder.Services.AddSingleton(log);
        builder.Services.AddSingleton<ProviderLifetime>();
        var app = builder.Build();
        app.MapGrpcService<ResourceProviderService>();
        await app.StartAsync(ct);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        // "\n" on purpose: the engine reads up to the first newline, and WriteLine would emit CRLF on Windows.
        await Console.Out.WriteAsync($"{port}\n");
        await Console.Out.FlushAsync(ct);

        await app.WaitForShutdownAsync(ct);
        log.Dispose();
        return 0;
    }
}

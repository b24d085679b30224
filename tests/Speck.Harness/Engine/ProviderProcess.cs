using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Pulumirpc;
using Speck.Harness.Program;
using Speck.Harness.Protocol;

namespace Speck.Harness.Engine;

/// <summary>
/// A provider plugin launched as the engine launches it (docs/pulumi-calls.md §Launch): flags, then the engine address;
/// the first stdout line is the port; h2c with 400 MiB messages; Handshake (retried while Unavailable) and
/// GetPluginInfo; on dispose SIGINT, 5 s grace, then kill. Every call goes through the <see cref="GrpcCallLog"/>.
/// </summary>
public sealed partial class ProviderProcess : IAsyncDisposable
{
    public const int MaxMessageSize = 400 * 1024 * 1024;

    private readonly Process _process;
    private readonly GrpcChannel _channel;
    private readonly GrpcCallLog _log;
    private readonly StringBuilder _stderr;
    private readonly int _index;

    internal ResourceProvider.ResourceProviderClient Client { get; }
    public string Version { get; private set; } = "";
    public int Pid => _process.Id;
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>grpc-go's default client limit on a response's header list, 16 MiB (in the kilobytes .NET counts in).</summary>
    public const int MaxResponseHeadersKilobytes = 16 * 1024;

    /// <summary>CPU time and peak memory of the process so far (<see cref="ProcessUsage"/>); null once it has exited.</summary>
    public ProcessUsage? Usage() => _process.HasExited ? null : ProcessUsage.Of(_process.Id);

    private ProviderProcess(Process process, int port, GrpcCallLog log, StringBuilder stderr, int index)
    {
        (_process, _log, _stderr, _index) = (process, log, stderr, index);
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}", new GrpcChannelOptions
        {
            MaxReceiveMessageSize = MaxMessageSize,
            MaxSendMessageSize = MaxMessageSize,
            // The engine's grpc-go client takes response header lists (the status and its details, e.g. an init
            // failure's whole state) up to 16 MiB (google.golang.org/grpc v1.82.1, sdk/go.mod; internal/transport
            // defaults); .NET's default is 64 KB, which would fail calls the engine completes (docs/provider-errors.md).
            HttpHandler = new SocketsHttpHandler { MaxResponseHeadersLength = MaxResponseHeadersKilobytes, EnableMultipleHttp2Connections = true },
            DisposeHttpClient = true,
        });
        Client = new ResourceProvider.ResourceProviderClient(_channel);
    }

    public static async Task<ProviderProcess> StartAsync(string binary, IReadOnlyList<string> flags, string engineAddress,
        string workingDirectory, IDictionary<string, string> environment, GrpcCallLog log, int index, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(binary)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var f in flags) psi.ArgumentList.Add(f);
        psi.ArgumentList.Add(engineAddress);
        foreach (var (k, v) in environment) psi.Environment[k] = v;

        var process = Process.Start(psi) ?? throw new HarnessException($"could not start {binary}");
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();

        int port;
        try
        {
            port = await ReadPortAsync(process, ct);
        }
        catch
        {
            await StopAsync(process);
            throw;
        }
        // Anything after the port line is debug output; drain it so the pipe never fills.
        _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);

        var provider = new ProviderProcess(process, port, log, stderr, index);
        try
        {
            await provider.HandshakeAsync(engineAddress, Path.GetDirectoryName(Path.GetFullPath(binary))!, ct);
            provider.Version = (await provider.Call("GetPluginInfo", new Empty(), r => provider.Client.GetPluginInfoAsync(r, cancellationToken: ct))).Version;
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }
        return provider;
    }

    /// <summary>The engine reads byte by byte up to the first newline, trims it, and wants 1..65535.</summary>
    private static async Task<int> ReadPortAsync(Process process, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var stream = process.StandardOutput.BaseStream;
        var line = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            var n = await stream.ReadAsync(one, timeout.Token);
            if (n == 0) throw new HarnessException($"provider exited before printing its port (exit code {(process.WaitForExit(5000) ? process.ExitCode : -1)})");
            if (one[0] == (byte)'\n') break;
            line.Add(one[0]);
        }
        var text = Encoding.UTF8.GetString(line.ToArray()).Trim();
        if (!int.TryParse(text, out var port) || port is < 1 or > 65535)
            throw new HarnessException($"provider printed '{text}' instead of its port as the first line of stdout");
        return port;
    }

    private async Task HandshakeAsync(string engineAddress, string binaryDir, CancellationToken ct)
    {
        var request = new ProviderHandshakeRequest
        {
            EngineAddress = engineAddress,
            RootDirectory = binaryDir,
            ProgramDirectory = binaryDir,
            ConfigureWithUrn = true,
            SupportsViews = true,
            SupportsRefreshBeforeUpdate = true,
            InvokeWithPreview = true,
            AcceptsByteString = true,
        };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Call("Handshake", request, r => Client.HandshakeAsync(r, cancellationToken: ct));
                return;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unimplemented) { return; }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && attempt < 50)
            {
                await Task.Delay(100, ct);
            }
        }
    }

    internal Task<TResponse> Call<TRequest, TResponse>(string method, TRequest request, Func<TRequest, AsyncUnaryCall<TResponse>> call)
        where TRequest : Google.Protobuf.IMessage where TResponse : Google.Protobuf.IMessage =>
        _log.RecordAsync(_index, method, request, async () => await call(request));

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await StopAsync(_process);
        _process.Dispose();
    }

    private static async Task StopAsync(Process process)
    {
        if (process.HasExited) return;
        _ = Kill(process.Id, SigInt);
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private const int SigInt = 2;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

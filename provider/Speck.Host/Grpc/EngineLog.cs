using Grpc.Net.Client;
using Pulumirpc;
using Speck.Host.Resources;

namespace Speck.Host.Grpc;

/// <summary>
/// Sends the provider's messages to the engine's Log service (the only way a resource plugin reaches the user:
/// its stdout is shown at debug level only). Without an engine address, messages go to stderr.
/// </summary>
public sealed class EngineLog : IEngineLog, IDisposable
{
    private GrpcChannel? _channel;
    private Engine.EngineClient? _client;

    /// <summary>Sends later messages to the engine at <paramref name="address"/> (host:port); false when it is not one.</summary>
    public bool Connect(string? address)
    {
        if (string.IsNullOrEmpty(address)) return true;
        if (!Uri.TryCreate("http://" + address, UriKind.Absolute, out var uri) || uri.PathAndQuery != "/" || uri.Port <= 0) return false;
        var old = _channel;
        _channel = GrpcChannel.ForAddress(uri, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = ProviderServer.MaxMessageSize,
            MaxSendMessageSize = ProviderServer.MaxMessageSize,
        });
        _client = new Engine.EngineClient(_channel);
        old?.Dispose();
        return true;
    }

    public Task LogAsync(MessageSeverity level, string message, string? urn, CancellationToken ct = default) =>
        SendAsync(new LogRequest { Severity = (LogSeverity)(int)level, Message = message, Urn = urn ?? "" }, ct);

    // The engine shows an ephemeral Info line in the resource's status column and drops it from the final output
    // (pkg/host/host_server.go Log -> LogStatus, pulumi v3.259.0; docs/pulumi-engine.md).
    public Task StatusAsync(string message, string? urn, CancellationToken ct = default) =>
        SendAsync(new LogRequest { Severity = LogSeverity.Info, Message = message, Urn = urn ?? "", Ephemeral = true }, ct);

    private async Task SendAsync(LogRequest request, CancellationToken ct)
    {
        if (_client is null)
        {
            await Console.Error.WriteLineAsync($"[{(request.Ephemeral ? "status" : request.Severity.ToString())}] {request.Urn} {request.Message}");
            return;
        }
        try
        {
            await _client.LogAsync(request, cancellationToken: ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"engine log failed ({e.GetType().Name}): [{request.Severity}] {request.Urn} {request.Message}");
        }
    }

    public void Dispose() => _channel?.Dispose();
}

/// <summary>A log that blanks out the secret values of the request it serves, as a net under careless messages.</summary>
public sealed class ScrubbingLog(IEngineLog inner, SecretScrubber scrubber) : IEngineLog
{
    public Task LogAsync(MessageSeverity level, string message, string? urn, CancellationToken ct = default) =>
        inner.LogAsync(level, scrubber.Scrub(message), urn, ct);

    public Task StatusAsync(string message, string? urn, CancellationToken ct = default) =>
        inner.StatusAsync(scrubber.Scrub(message), urn, ct);
}

using System.Collections.Concurrent;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;

namespace Speck.Provider.Brokers.Mqtt.Dynsec;

/// <summary>
/// One long-lived MQTT v5 connection to a broker's dynsec control topic, shared by concurrent callers.
/// Responses are matched by correlationData (prefixed per connection, because every admin client
/// subscribed to the response topic also receives everyone else's responses: docs/mosquitto-dynsec.md
/// §Control messages and their answers). It reconnects lazily on the next call after a drop and fails in-flight
/// calls at once when the connection goes away.
/// </summary>
internal sealed class DynsecConnection(MqttEndpoint endpoint, DynsecOptions options) : IAsyncDisposable
{
    internal const string RequestTopic = "$CONTROL/dynamic-security/v1";
    internal const string ResponseTopic = RequestTopic + "/response";

    private sealed record Session(IMqttClient Client, int Generation);

    private sealed record Pending(TaskCompletionSource<DynsecResponse> Completion, int Generation, DynsecCommand Command);

    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly string _correlationPrefix = "speck-" + Guid.NewGuid().ToString("N")[..10] + "-";
    private long _nextId;
    private int _generation;
    private volatile Session? _session;
    private volatile bool _disposed;

    public MqttEndpoint Endpoint => endpoint;

    public async Task<IReadOnlyList<DynsecResponse>> ExecuteAsync(IReadOnlyList<DynsecCommand> commands, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfZero(commands.Count);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var first = commands[0];
        var current = await EnsureSessionAsync(first, ct);

        var ids = new string[commands.Count];
        var tasks = new Task<DynsecResponse>[commands.Count];
        for (var i = 0; i < commands.Count; i++)
        {
            ids[i] = _correlationPrefix + Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var completion = new TaskCompletionSource<DynsecResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
            _pending[ids[i]] = new Pending(completion, current.Generation, commands[i]);
            tasks[i] = completion.Task;
        }

        var what = string.Join(", ", commands.Select(c => c.Describe()));
        try
        {
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(RequestTopic)
                .WithPayload(DynsecJson.BuildRequest(commands, ids))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();

            MqttClientPublishResult published;
            try
            {
                published = await current.Client.PublishAsync(message, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                throw Error(DynsecErrorKind.ConnectionLost, first,
                    $"sending {what} to {endpoint.Url} failed: {e.Message} (did the broker stop or crash?)", e);
            }

            if (published.ReasonCode == MqttClientPublishReasonCode.NotAuthorized)
            {
                throw Error(DynsecErrorKind.NotAuthorized, first,
                    $"dynsec {first.Describe()} on {endpoint.Url}: user '{endpoint.Credentials?.Username}' may not publish to " +
                    $"{RequestTopic} (PUBACK 135); it needs the dynsec admin role");
            }

            if ((int)published.ReasonCode >= 0x80)
            {
                throw Error(DynsecErrorKind.InvalidRequest, first,
                    $"dynsec {first.Describe()} on {endpoint.Url}: the broker refused the control message with PUBACK {(int)published.ReasonCode} {published.ReasonCode}");
            }

            var all = Task.WhenAll(tasks);
            try
            {
                await all.WaitAsync(options.CommandTimeout, ct);
            }
            catch (TimeoutException)
            {
                throw Error(DynsecErrorKind.Timeout, first,
                    $"no answer from the dynamic-security plugin on {endpoint.Url} within {options.CommandTimeout.TotalSeconds:0.###} s " +
                    $"for {what} (is the plugin loaded? without it nothing answers on {RequestTopic})");
            }

            var responses = all.Result;
            options.Log?.Invoke($"dynsec {endpoint.Url}: " + string.Join(", ",
                commands.Select((c, i) => $"{c.Describe()} -> {responses[i].Error ?? "ok"}")));
            return responses;
        }
        finally
        {
            foreach (var id in ids) _pending.TryRemove(id, out _);
        }
    }

    private async Task<Session> EnsureSessionAsync(DynsecCommand command, CancellationToken ct)
    {
        var current = _session;
        if (current is not null && current.Client.IsConnected) return current;

        await _connectGate.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            current = _session;
            if (current is not null && current.Client.IsConnected) return current;

            current?.Client.Dispose();
            _session = null;

            var gen = Interlocked.Increment(ref _generation);
            var client = new MqttClientFactory().CreateMqttClient();
            client.ApplicationMessageReceivedAsync += OnMessageAsync;
            client.DisconnectedAsync += e =>
            {
                FailPending(gen, e.Exception?.Message ?? e.Reason.ToString());
                return Task.CompletedTask;
            };

            try
            {
                var clientId = MqttConnector.NewClientId(options.Connection.ClientIdPrefix, "dynsec");
                await MqttConnector.ConnectAsync(client, endpoint, clientId, options.Connection, ct);

                var subscribed = await client.SubscribeAsync(
                    new MqttClientSubscribeOptionsBuilder()
                        .WithTopicFilter(f => f.WithTopic(ResponseTopic).WithAtLeastOnceQoS())
                        .Build(),
                    ct);
                var code = (int)subscribed.Items.First().ResultCode;
                if (code >= 0x80)
                {
                    throw Error(DynsecErrorKind.NotAuthorized, command,
                        $"dynsec {command.Describe()} on {endpoint.Url}: user '{endpoint.Credentials?.Username}' may not subscribe to " +
                        $"{ResponseTopic} (SUBACK {code}); it needs the dynsec admin role");
                }
            }
            catch (MqttConnectException e)
            {
                client.Dispose();
                throw Error(DynsecErrorKind.ConnectFailed, command, $"dynsec {command.Describe()}: {e.Message}", e);
            }
            catch
            {
                client.Dispose();
                throw;
            }

            current = new Session(client, gen);
            _session = current;
            return current;
        }
        finally
        {
            _connectGate.Release();
        }
    }

    // Runs on MQTTnet's receive loop: parse, hand over, return. Continuations run elsewhere.
    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        if (e.ApplicationMessage.Topic != ResponseTopic) return Task.CompletedTask;

        try
        {
            foreach (var (id, response) in DynsecJson.ParseResponses(e.ApplicationMessage.Payload))
            {
                if (_pending.TryGetValue(id, out var waiting)) waiting.Completion.TrySetResult(response);
            }
        }
        catch (JsonException ex)
        {
            options.Log?.Invoke($"dynsec {endpoint.Url}: ignored an unreadable response: {ex.Message}");
        }

        return Task.CompletedTask;
    }

    private void FailPending(int gen, string reason)
    {
        foreach (var (_, waiting) in _pending)
        {
            if (waiting.Generation == gen)
            {
                waiting.Completion.TrySetException(Error(DynsecErrorKind.ConnectionLost, waiting.Command,
                    $"the connection to {endpoint.Url} was lost while waiting for {waiting.Command.Describe()} ({reason}); " +
                    "did the broker stop or crash?"));
            }
        }
    }

    private DynsecException Error(DynsecErrorKind kind, DynsecCommand command, string message, Exception? inner = null) =>
        new(kind, command.Name, command.Subject, endpoint.Url, message, inner: inner);

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;

        _disposed = true;
        await _connectGate.WaitAsync();
        try
        {
            if (_session is { } current)
            {
                _session = null;
                if (current.Client.IsConnected)
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    try
                    {
                        await current.Client.DisconnectAsync(new MqttClientDisconnectOptions(), timeout.Token);
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        // Best effort: the broker cleans up the session either way.
                    }
                }

                FailPending(current.Generation, "the admin connection was closed");
                current.Client.Dispose();
            }
        }
        finally
        {
            _connectGate.Release();
        }
    }
}

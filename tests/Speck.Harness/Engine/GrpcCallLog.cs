using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Speck.Harness.Protocol;

namespace Speck.Harness.Engine;

/// <summary>One provider call as the engine made it; request and response in protobuf JSON, secrets redacted.</summary>
public sealed record GrpcCall(int Process, string Method, JsonObject Request, JsonObject? Response, string? Error, string? Code)
{
    public string? Urn => Request["urn"]?.GetValue<string>();
    public bool Preview => Request["preview"]?.GetValue<bool>() == true;
}

/// <summary>
/// Records every call to the provider, in memory for tests and optionally as PULUMI_DEBUG_GRPC-style JSON lines
/// (<c>method</c>, <c>request</c>, <c>response</c> or <c>errors</c>, <c>progress</c>, <c>metadata</c>, <c>timestamp</c>, <c>duration</c>).
/// </summary>
public sealed class GrpcCallLog(string? path, Redactor redactor)
{
    private readonly Lock _fileLock = new();
    public ConcurrentQueue<GrpcCall> Calls { get; } = new();

    public async Task<TResponse> RecordAsync<TResponse>(int process, string method, IMessage request, Func<Task<TResponse>> call)
        where TResponse : IMessage
    {
        var req = Redacted(request);
        var started = DateTimeOffset.UtcNow;
        Write(new JsonObject { ["method"] = $"/pulumirpc.ResourceProvider/{method}", ["request"] = req.DeepClone(), ["progress"] = "request_started", ["metadata"] = Metadata(), ["timestamp"] = started.ToString("O") });
        try
        {
            var response = await call();
            var res = Redacted(response);
            Calls.Enqueue(new GrpcCall(process, method, req, res, null, null));
            Write(Line(method, req, started, ("response", res)));
            return response;
        }
        catch (Grpc.Core.RpcException e)
        {
            var message = redactor.Redact(e.Status.Detail);
            Calls.Enqueue(new GrpcCall(process, method, req, null, message, e.StatusCode.ToString()));
            Write(Line(method, req, started, ("errors", new JsonArray(JsonValue.Create(message)))));
            throw;
        }
    }

    private JsonObject Redacted(IMessage m) => JsonNode.Parse(redactor.Redact(Structs.Format(m)))!.AsObject();

    private static JsonObject Metadata() => new() { ["kind"] = "resource", ["mode"] = "client", ["name"] = "speck" };

    private static JsonObject Line(string method, JsonObject req, DateTimeOffset started, (string Key, JsonNode Value) outcome) => new()
    {
        ["method"] = $"/pulumirpc.ResourceProvider/{method}",
        ["request"] = req.DeepClone(),
        [outcome.Key] = outcome.Value,
        ["progress"] = "response_completed",
        ["metadata"] = Metadata(),
        ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
        ["duration"] = (long)((DateTimeOffset.UtcNow - started).TotalMilliseconds * 1_000_000),
    };

    private void Write(JsonObject line)
    {
        if (path is null) return;
        lock (_fileLock) File.AppendAllText(path, line.ToJsonString() + "\n");
    }
}

/// <summary>Knows every secret plaintext the engine has seen and blanks it out of anything the harness writes.</summary>
public sealed class Redactor
{
    private readonly Lock _lock = new();
    private string[] _secrets = [];

    public void Learn(JsonNode? values)
    {
        var found = Sig.SecretStrings(values).Where(s => s.Length >= 3).ToList();
        if (found.Count == 0) return;
        lock (_lock) _secrets = _secrets.Concat(found).Distinct().OrderByDescending(s => s.Length).ToArray();
    }

    public void LearnPlain(string secret)
    {
        if (secret.Length < 3) return;
        lock (_lock) _secrets = _secrets.Append(secret).Distinct().OrderByDescending(s => s.Length).ToArray();
    }

    public string Redact(string text)
    {
        foreach (var s in _secrets) text = text.Replace(s, "[secret]", StringComparison.Ordinal);
        return text;
    }
}

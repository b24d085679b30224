using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Speck.FlinkStandIn.Control;

namespace Speck.FlinkStandIn.Http;

/// <summary>
/// Every request: added latency, armed faults, routing, Flink-shaped errors for anything that goes wrong, and one
/// request-log entry (with the JSON body, so tests can assert what a client sent).
/// </summary>
internal sealed class RequestPipeline(Router router, RequestLog log, RequestFaults faults, Func<TimeSpan> latency, Action advance)
{
    // Flink's Jackson writes quotes, '<' and '+' as-is; only JSON's own escapes are needed.
    private static readonly JsonSerializerOptions Wire = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private const int MaxLoggedBody = 64 * 1024;

    public async Task HandleAsync(HttpContext http)
    {
        var method = http.Request.Method;
        var path = http.Request.Path.Value ?? "/";
        var query = http.Request.QueryString.Value ?? "";
        try
        {
            if (latency() is { } delay && delay > TimeSpan.Zero) await Task.Delay(delay, http.RequestAborted);
            var body = await ReadLoggableBodyAsync(http.Request);
            var fault = faults.Take(method, path);
            if (fault == FaultKind.DropConnection)
            {
                log.Add(new RequestLogEntry(method, path, query, 0, DateTimeOffset.UtcNow, body, http.Request.ContentLength));
                http.Abort();
                return;
            }
            if (fault == FaultKind.InternalServerError)
            {
                await RespondAsync(http, method, path, query, body,
                    Error(FlinkRestException.Internal(new JavaError("java.lang.RuntimeException", "Injected fault (stand-in test knob)."))));
                return;
            }
            FlinkResponse response;
            try
            {
                advance();
                var (handler, request) = router.Match(http);
                response = await handler(request);
            }
            catch (FlinkRestException e)
            {
                response = Error(e);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                response = Error(FlinkRestException.Handler(413,
                    "Request entity too large. Try to raise [rest.server.max-content-length]."));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A stand-in bug still answers in Flink's shape, so clients see a 500 rather than a broken connection.
                response = Error(FlinkRestException.Internal(new JavaError("java.lang.RuntimeException", $"{e.GetType().Name}: {e.Message}")));
            }
            if (fault == FaultKind.DropResponse)
            {
                log.Add(new RequestLogEntry(method, path, query, 0, DateTimeOffset.UtcNow, body, http.Request.ContentLength));
                http.Abort();
                return;
            }
            await RespondAsync(http, method, path, query, body, response);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            log.Add(new RequestLogEntry(method, path, query, 0, DateTimeOffset.UtcNow, null, http.Request.ContentLength));
        }
    }

    private async Task RespondAsync(HttpContext http, string method, string path, string query, string? body, FlinkResponse response)
    {
        log.Add(new RequestLogEntry(method, path, query, response.Status, DateTimeOffset.UtcNow, body, http.Request.ContentLength));
        http.Response.StatusCode = response.Status;
        http.Response.ContentType = "application/json; charset=UTF-8";
        await http.Response.WriteAsync(response.Body.ToJsonString(Wire), http.RequestAborted);
    }

    private static FlinkResponse Error(FlinkRestException e) =>
        new(e.Status, new JsonObject { ["errors"] = new JsonArray(e.Errors.Select(s => (JsonNode)s!).ToArray()) });

    /// <summary>Reads a small non-multipart body for the log and rewinds it for the handler.</summary>
    private static async Task<string?> ReadLoggableBodyAsync(HttpRequest request)
    {
        if (request.HasFormContentType || request.ContentLength is null or 0 or > MaxLoggedBody) return null;
        request.EnableBuffering();
        using var reader = new StreamReader(request.Body, leaveOpen: true);
        var text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        request.Body.Position = 0;
        return text;
    }
}

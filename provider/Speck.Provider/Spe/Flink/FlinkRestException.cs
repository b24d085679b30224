using System.Net;
using System.Text.Json;

namespace Speck.Provider.Spe.Flink;

/// <summary>
/// Flink answered with an error. Flink's body is <c>{"errors": [...]}</c> whose first element is a whole Java stack
/// trace; the message keeps only what a user can act on: the exception line and the root cause.
/// </summary>
public sealed class FlinkRestException(HttpStatusCode status, string request, string summary, string rawBody)
    : Exception($"Flink {request} answered {(int)status}: {summary}")
{
    public HttpStatusCode Status { get; } = status;
    public string Request { get; } = request;
    public string Summary { get; } = summary;
    /// <summary>The whole body, for substring checks (Flink's advice: branch on status, then on substrings).</summary>
    public string RawBody { get; } = rawBody;

    public bool Mentions(string text) => RawBody.Contains(text, StringComparison.Ordinal);

    public static FlinkRestException From(HttpStatusCode status, string request, string body)
    {
        List<string>? errors = null;
        try { errors = JsonSerializer.Deserialize(body, FlinkJsonContext.Default.FlinkErrorBody)?.Errors; }
        catch (JsonException) { }
        var text = errors is { Count: > 0 } ? string.Join("\n", errors) : body;
        return new FlinkRestException(status, request, Summarize(text), text);
    }

    /// <summary>First meaningful line plus the deepest <c>Caused by:</c>, without stack frames.</summary>
    internal static string Summarize(string text)
    {
        var lines = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("at ", StringComparison.Ordinal)
            && !l.StartsWith("...", StringComparison.Ordinal) && l != "Internal server error." && !l.StartsWith("<Exception on server side", StringComparison.Ordinal)
            && !l.StartsWith("End of exception", StringComparison.Ordinal)).ToList();
        if (lines.Count == 0) return text.Trim().Length == 0 ? "(empty body)" : text.Trim();
        var first = lines[0];
        var root = lines.LastOrDefault(l => l.StartsWith("Caused by:", StringComparison.Ordinal));
        var summary = root is null ? first : $"{first} (root cause: {root["Caused by:".Length..].Trim()})";
        return summary.Length > 600 ? summary[..600] + "…" : summary;
    }
}

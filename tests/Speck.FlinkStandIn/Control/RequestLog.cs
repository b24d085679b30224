using System.Collections.Concurrent;

namespace Speck.FlinkStandIn.Control;

/// <summary>
/// One request the stand-in received. <see cref="Status"/> is 0 when the connection was dropped (on purpose, or by the
/// client). <see cref="Body"/> holds a small non-multipart request body as sent; <see cref="RequestBytes"/> is the
/// request's Content-Length (null without one), so benchmarks can count bytes uploaded.
/// </summary>
public sealed record RequestLogEntry(string Method, string Path, string Query, int Status, DateTimeOffset Time, string? Body = null, long? RequestBytes = null);

/// <summary>Every request, in arrival order, so tests can assert which calls a site received.</summary>
public sealed class RequestLog
{
    private readonly ConcurrentQueue<RequestLogEntry> _entries = new();

    public IReadOnlyList<RequestLogEntry> Entries => _entries.ToArray();

    public void Add(RequestLogEntry entry) => _entries.Enqueue(entry);

    public void Clear() => _entries.Clear();

    /// <summary>Entries with this method whose path (with or without <c>/v1</c>) matches a pattern where <c>*</c> is one segment.</summary>
    public IReadOnlyList<RequestLogEntry> Matching(string method, string pathPattern) =>
        Entries.Where(e => string.Equals(e.Method, method, StringComparison.OrdinalIgnoreCase) && PathPattern.Matches(pathPattern, e.Path)).ToList();
}

/// <summary>Path patterns for the control API: literal segments, <c>*</c> for any one segment; a leading <c>/v1</c> is ignored.</summary>
public static class PathPattern
{
    public static bool Matches(string pattern, string path)
    {
        if (path == "/v1" || path.StartsWith("/v1/", StringComparison.Ordinal)) path = path[3..];
        var p = pattern.Trim('/').Split('/');
        var s = path.Trim('/').Split('/');
        if (p.Length != s.Length) return false;
        for (var i = 0; i < p.Length; i++)
            if (p[i] != "*" && !string.Equals(p[i], s[i], StringComparison.Ordinal)) return false;
        return true;
    }
}

namespace Speck.FlinkStandIn.Control;

/// <summary>
/// How an injected request fault shows: Flink's 500 body (handler not run); the connection closed before the handler
/// runs; or the handler runs (the change happens) and then the connection closes, so the client never sees the answer.
/// </summary>
public enum FaultKind { InternalServerError, DropConnection, DropResponse }

/// <summary>Faults armed by tests: the next N requests matching method + path pattern fail; the handler never runs.</summary>
public sealed class RequestFaults
{
    private sealed class Armed(string? method, string pattern, int remaining, FaultKind kind)
    {
        public string? Method { get; } = method;
        public string Pattern { get; } = pattern;
        public int Remaining { get; set; } = remaining;
        public FaultKind Kind { get; } = kind;
    }

    private readonly List<Armed> _armed = [];
    private readonly Lock _lock = new();

    /// <summary>Fails the next <paramref name="count"/> requests; <paramref name="method"/> null matches any method.</summary>
    public void FailNext(string? method, string pathPattern, int count, FaultKind kind = FaultKind.InternalServerError)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        lock (_lock) _armed.Add(new Armed(method, pathPattern, count, kind));
    }

    public void Clear()
    {
        lock (_lock) _armed.Clear();
    }

    /// <summary>Consumes one armed fault matching the request, if any.</summary>
    public FaultKind? Take(string method, string path)
    {
        lock (_lock)
        {
            var hit = _armed.FirstOrDefault(a => a.Remaining > 0
                && (a.Method is null || string.Equals(a.Method, method, StringComparison.OrdinalIgnoreCase))
                && PathPattern.Matches(a.Pattern, path));
            if (hit is null) return null;
            if (--hit.Remaining == 0) _armed.Remove(hit);
            return hit.Kind;
        }
    }
}

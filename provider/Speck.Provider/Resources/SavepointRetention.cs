using System.ComponentModel;
using System.Text.RegularExpressions;
using Speck.Host.Schema;

namespace Speck.Provider.Resources;

[SchemaToken("speck:index:SavepointRetention")]
[Description("How many of a job's savepoints to keep, and for how long, as the Flink Kubernetes Operator's `kubernetes.operator.savepoint.history.max.count` and `…max.age` do. Older ones are disposed through the engine (Flink's `/savepoint-disposal`) and leave `savepointHistory` only once disposed.")]
public sealed partial record SavepointRetention
{
    [Description("Savepoints kept at most (at least 1); the oldest go first.")]
    public int? MaxCount { get; init; }

    [Description("Savepoints older than this are disposed: a number and a unit, as Flink writes durations (`30 min`, `24 h`, `7 d`, `90 s`).")]
    public string? MaxAge { get; init; }

    [GeneratedRegex(@"^\s*(\d+)\s*(ms|s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hour|hours|d|day|days)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex DurationText();

    /// <summary>The age as a span, or null when <paramref name="text"/> is no duration.</summary>
    public static TimeSpan? Duration(string text)
    {
        var m = DurationText().Match(text);
        if (!m.Success || !long.TryParse(m.Groups[1].Value, out var n)) return null;
        return m.Groups[2].Value.ToLowerInvariant() switch
        {
            "ms" => TimeSpan.FromMilliseconds(n),
            "s" or "sec" or "secs" or "second" or "seconds" => TimeSpan.FromSeconds(n),
            "m" or "min" or "mins" or "minute" or "minutes" => TimeSpan.FromMinutes(n),
            "h" or "hour" or "hours" => TimeSpan.FromHours(n),
            _ => TimeSpan.FromDays(n),
        };
    }

    public IEnumerable<(string Path, string Problem)> Problems()
    {
        if (MaxCount is < 1) yield return ("savepointRetention.maxCount", "must be at least 1: the last savepoint is always kept");
        if (MaxAge is { } age && Duration(age) is null)
            yield return ("savepointRetention.maxAge", $"'{age}' is not a duration: a number and a unit (ms, s, min, h, d), e.g. `24 h`");
    }
}

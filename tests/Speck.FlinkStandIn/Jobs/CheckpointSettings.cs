using System.Text.RegularExpressions;
using Speck.FlinkStandIn.Http;

namespace Speck.FlinkStandIn.Jobs;

/// <summary>What <c>CheckpointConfigInfo.externalization</c> derives from <c>execution.checkpointing.externalized-checkpoint-retention</c>.</summary>
public enum CheckpointRetention { NO_EXTERNALIZED_CHECKPOINTS, DELETE_ON_CANCELLATION, RETAIN_ON_CANCELLATION }

/// <summary>
/// A job's periodic checkpointing, from the cluster's configuration overlaid with the run request's
/// <c>flinkConfiguration</c> (docs/flink-rest.md §Checkpoints a restart can resume from). Without an interval the
/// coordinator still exists (for savepoints) with interval <c>Long.MAX_VALUE</c>.
/// </summary>
public sealed partial record CheckpointSettings(long? IntervalMs, CheckpointRetention Retention, string? Directory, int NumRetained)
{
    public const long Disabled = long.MaxValue;

    [GeneratedRegex(@"^\s*(\d+)\s*([a-zA-Z]*)\s*$")]
    private static partial Regex DurationText();

    internal static CheckpointSettings From(IReadOnlyDictionary<string, string> cluster, IReadOnlyDictionary<string, string> job)
    {
        string? Get(string key, string? deprecated = null) =>
            job.TryGetValue(key, out var v) ? v : deprecated is not null && job.TryGetValue(deprecated, out var d) ? d
            : cluster.TryGetValue(key, out var c) ? c : deprecated is not null ? cluster.GetValueOrDefault(deprecated) : null;

        var interval = Get("execution.checkpointing.interval") is { } text ? DurationMs("execution.checkpointing.interval", text) : (long?)null;
        var retentionText = Get("execution.checkpointing.externalized-checkpoint-retention");
        var retention = CheckpointRetention.NO_EXTERNALIZED_CHECKPOINTS;
        if (retentionText is not null && !Enum.TryParse(retentionText.Trim(), ignoreCase: true, out retention))
            throw JarsBadConfig("execution.checkpointing.externalized-checkpoint-retention", retentionText);
        var retainedText = Get("execution.checkpointing.num-retained", "state.checkpoints.num-retained");
        var retained = 1;
        if (retainedText is not null && (!int.TryParse(retainedText, out retained) || retained < 1))
            throw JarsBadConfig("execution.checkpointing.num-retained", retainedText);
        // Below Flink's minimum checkpoint interval (10 ms) periodic checkpoints are off.
        return new CheckpointSettings(interval is >= 10 ? interval : null, retention, Get("execution.checkpointing.dir", "state.checkpoints.dir"), retained);
    }

    /// <summary>Flink's TimeUtils.parseDuration: a number with an optional unit; no unit means milliseconds.</summary>
    private static long DurationMs(string key, string text)
    {
        var m = DurationText().Match(text);
        if (!m.Success || !long.TryParse(m.Groups[1].Value, out var n)) throw JarsBadConfig(key, text);
        long factor = m.Groups[2].Value.ToLowerInvariant() switch
        {
            "" or "ms" or "milli" or "millis" or "millisecond" or "milliseconds" => 1,
            "s" or "sec" or "secs" or "second" or "seconds" => 1000,
            "m" or "min" or "mins" or "minute" or "minutes" => 60_000,
            "h" or "hour" or "hours" => 3_600_000,
            "d" or "day" or "days" => 86_400_000,
            _ => throw JarsBadConfig(key, text),
        };
        return n * factor;
    }

    private static FlinkRestException JarsBadConfig(string key, string value) => Jars.JarRunRequest.BadConfig(key, value);
}

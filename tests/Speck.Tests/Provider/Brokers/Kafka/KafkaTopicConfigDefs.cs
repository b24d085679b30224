using System.Globalization;

namespace Speck.Tests.Provider.Brokers.Kafka;

/// <summary>
/// The topic-level configs of Apache Kafka 3.x (LogConfig) with their documented defaults and validators, as the
/// broker checks them. Messages follow Kafka's ConfigException wording: "Invalid value X for configuration Y: ...".
/// </summary>
public static class KafkaTopicConfigDefs
{
    private sealed record Def(string Default, Func<string, string?> Validate, bool IsList = false);

    private static readonly Dictionary<string, Def> Defs = new(StringComparer.Ordinal)
    {
        ["cleanup.policy"] = new("delete", v => ListOf(v, "compact", "delete"), IsList: true),
        ["compression.type"] = new("producer", v => OneOf(v, "uncompressed", "zstd", "lz4", "snappy", "gzip", "producer")),
        ["delete.retention.ms"] = new("86400000", v => Long(v, 0)),
        ["file.delete.delay.ms"] = new("60000", v => Long(v, 0)),
        ["flush.messages"] = new("9223372036854775807", v => Long(v, 1)),
        ["flush.ms"] = new("9223372036854775807", v => Long(v, 0)),
        ["index.interval.bytes"] = new("4096", v => Int(v, 0)),
        ["max.compaction.lag.ms"] = new("9223372036854775807", v => Long(v, 1)),
        ["max.message.bytes"] = new("1048588", v => Int(v, 0)),
        ["message.timestamp.type"] = new("CreateTime", v => OneOf(v, "CreateTime", "LogAppendTime")),
        ["min.cleanable.dirty.ratio"] = new("0.5", Ratio),
        ["min.compaction.lag.ms"] = new("0", v => Long(v, 0)),
        ["min.insync.replicas"] = new("1", v => Int(v, 1)),
        ["preallocate"] = new("false", Bool),
        ["retention.bytes"] = new("-1", v => Long(v, long.MinValue)),
        ["retention.ms"] = new("604800000", v => Long(v, -1)),
        ["segment.bytes"] = new("1073741824", v => Int(v, 14)),
        ["segment.index.bytes"] = new("10485760", v => Int(v, 4)),
        ["segment.jitter.ms"] = new("0", v => Long(v, 0)),
        ["segment.ms"] = new("604800000", v => Long(v, 1)),
        ["unclean.leader.election.enable"] = new("false", Bool),
        ["follower.replication.throttled.replicas"] = new("", _ => null, IsList: true),
        ["leader.replication.throttled.replicas"] = new("", _ => null, IsList: true),
    };

    public static IEnumerable<string> Names => Defs.Keys;

    public static bool IsKnown(string name) => Defs.ContainsKey(name);

    public static bool IsList(string name) => Defs[name].IsList;

    public static string DefaultOf(string name) => Defs[name].Default;

    /// <summary>Null when the broker accepts the entry, else Kafka's reason.</summary>
    public static string? Problem(string name, string? value)
    {
        if (!Defs.TryGetValue(name, out var def)) return $"Unknown topic config name: {name}";
        if (value is null) return $"Invalid value null for configuration {name}: entry must not be null";
        return def.Validate(value.Trim()) is { } why ? $"Invalid value {value} for configuration {name}: {why}" : null;
    }

    private static string? Long(string v, long min) =>
        !long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? "Not a number of type LONG"
        : n < min ? $"Value must be at least {min}" : null;

    private static string? Int(string v, int min) =>
        !int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? "Not a number of type INT"
        : n < min ? $"Value must be at least {min}" : null;

    private static string? Ratio(string v) =>
        !double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? "Not a number of type DOUBLE"
        : d is < 0 or > 1 ? (d < 0 ? "Value must be at least 0" : "Value must be no more than 1") : null;

    private static string? Bool(string v) =>
        v.Equals("true", StringComparison.OrdinalIgnoreCase) || v.Equals("false", StringComparison.OrdinalIgnoreCase)
            ? null : "Expected value to be either true or false";

    private static string? OneOf(string v, params string[] allowed) =>
        allowed.Contains(v, StringComparer.Ordinal) ? null : $"String must be one of: {string.Join(", ", allowed)}";

    private static string? ListOf(string v, params string[] allowed)
    {
        var items = v.Split(',').Select(s => s.Trim()).ToList();
        return items.All(i => allowed.Contains(i, StringComparer.Ordinal)) ? null : $"[{string.Join(", ", items)}] is not a subset of [{string.Join(", ", allowed)}]";
    }
}

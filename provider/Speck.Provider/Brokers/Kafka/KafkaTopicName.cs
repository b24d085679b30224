namespace Speck.Provider.Brokers.Kafka;

/// <summary>Kafka's topic-name rules (org.apache.kafka.common.internals.Topic), checked before any broker is asked.</summary>
public static class KafkaTopicName
{
    public const int MaxLength = 249;

    /// <summary>Null when Kafka accepts the name, else the reason.</summary>
    public static string? Validate(string name)
    {
        if (name.Length == 0) return "a Kafka topic name cannot be empty";
        if (name is "." or "..") return $"'{name}' is not a legal Kafka topic name";
        if (name.Length > MaxLength) return $"a Kafka topic name has at most {MaxLength} characters; this one has {name.Length}";
        foreach (var c in name)
            if (!IsLegal(c))
                return $"'{name}' contains '{Printable(c)}': Kafka topic names use only ASCII letters, digits, '.', '_' and '-'";
        return null;
    }

    /// <summary>
    /// Kafka uses '.' and '_' interchangeably in metric names, so topics that differ only there collide
    /// and the broker refuses the second one. Legal, but worth a warning.
    /// </summary>
    public static string? Warning(string name) =>
        name.Contains('.') && name.Contains('_')
            ? $"topic name '{name}' mixes '.' and '_': Kafka refuses another topic whose name differs only in those characters (their metric names collide)"
            : null;

    /// <summary>The name Kafka compares for metric collisions.</summary>
    public static string CollisionKey(string name) => name.Replace('.', '_');

    private static bool IsLegal(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '_' or '-';

    private static string Printable(char c) => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString();
}

using System.Text;

namespace Speck.Provider.Brokers.Mqtt;

/// <summary>
/// MQTT topic-name and topic-filter rules (MQTT v5.0 §1.5.4, §4.7). Mosquitto accepts some things the
/// spec forbids (a NUL gets the client disconnected, dynsec takes an empty ACL topic), so the provider
/// checks here before anything reaches a broker. Reasons are written to be shown verbatim by Check.
/// </summary>
public static class MqttTopicName
{
    /// <summary>Topic strings carry a 2-byte length prefix, so the limit is in UTF-8 bytes, not chars.</summary>
    public const int MaxUtf8Bytes = 65535;

    /// <summary>Reason why <paramref name="topic"/> cannot be published to, or null when it is a valid name.</summary>
    public static string? Validate(string? topic)
    {
        var common = ValidateCommon(topic, "topic name");
        if (common is not null) return common;

        for (var i = 0; i < topic!.Length; i++)
        {
            if (topic[i] is '+' or '#')
            {
                return $"topic name contains the wildcard '{topic[i]}' at position {i}; " +
                       "wildcards are only allowed in subscription filters, not in topics that are published to";
            }
        }

        if (topic[0] == '$')
        {
            return "topic name starts with '$', which is reserved for the broker ($SYS/, $CONTROL/, $share/); " +
                   "choose a name without the leading '$'";
        }

        return null;
    }

    /// <summary>
    /// Reason why <paramref name="filter"/> is not an acceptable subscription filter (or dynsec ACL topic),
    /// or null. '$'-prefixed filters such as $SYS/# are allowed; shared subscriptions are not.
    /// </summary>
    public static string? ValidateFilter(string? filter)
    {
        var common = ValidateCommon(filter, "topic filter");
        if (common is not null) return common;

        if (filter!.StartsWith("$share/", StringComparison.Ordinal) || filter == "$share")
            return "topic filter starts with '$share/', a shared subscription; shared subscriptions are not supported here";

        var levels = filter.Split('/');
        for (var l = 0; l < levels.Length; l++)
        {
            var level = levels[l];
            if (level.Contains('+') && level != "+")
                return $"topic filter level {l + 1} ('{level}') uses '+' inside a level; '+' must fill a whole level, as in 'a/+/b'";

            if (level.Contains('#'))
            {
                if (level != "#")
                    return $"topic filter level {l + 1} ('{level}') uses '#' inside a level; '#' must fill a whole level, as in 'a/#'";

                if (l != levels.Length - 1)
                    return $"topic filter has '#' at level {l + 1} of {levels.Length}; '#' is only allowed as the last level";
            }
        }

        return null;
    }

    /// <summary>
    /// Things the spec says SHOULD NOT appear (control characters, Unicode non-characters). They are legal,
    /// so these are warnings for Check, not failures. Works for names and filters alike.
    /// </summary>
    public static IReadOnlyList<string> GetWarnings(string? topic)
    {
        if (string.IsNullOrEmpty(topic)) return [];

        var warnings = new List<string>();
        for (var i = 0; i < topic.Length; i++)
        {
            var c = topic[i];
            int codePoint = c;
            if (char.IsHighSurrogate(c) && i + 1 < topic.Length && char.IsLowSurrogate(topic[i + 1]))
                codePoint = char.ConvertToUtf32(c, topic[i + 1]);

            if (codePoint is (>= 0x01 and <= 0x1F) or (>= 0x7F and <= 0x9F))
            {
                warnings.Add($"topic contains the control character U+{codePoint:X4} at position {i}; MQTT says control characters should not be used");
            }
            else if (IsNonCharacter(codePoint))
            {
                warnings.Add($"topic contains the Unicode non-character U+{codePoint:X4} at position {i}; MQTT says non-characters should not be used");
            }

            if (codePoint > 0xFFFF) i++;
        }

        return warnings;
    }

    private static bool IsNonCharacter(int codePoint) =>
        codePoint is >= 0xFDD0 and <= 0xFDEF || (codePoint & 0xFFFE) == 0xFFFE;

    // Rules shared by names and filters: presence, encodability and length.
    private static string? ValidateCommon(string? topic, string what)
    {
        if (topic is null) return $"{what} is required";

        if (topic.Length == 0) return $"{what} must not be empty";

        for (var i = 0; i < topic.Length; i++)
        {
            var c = topic[i];
            if (c == '\0')
                return $"{what} contains the NUL character (U+0000) at position {i}; MQTT forbids it and Mosquitto disconnects a client that sends it";

            if (char.IsHighSurrogate(c) && i + 1 < topic.Length && char.IsLowSurrogate(topic[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
                return $"{what} contains an unpaired UTF-16 surrogate (U+{(int)c:X4}) at position {i}; it cannot be encoded as UTF-8";
        }

        var bytes = Encoding.UTF8.GetByteCount(topic);
        if (bytes > MaxUtf8Bytes) return $"{what} is {bytes} bytes long in UTF-8; MQTT allows at most {MaxUtf8Bytes} bytes";

        return null;
    }
}

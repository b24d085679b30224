using System.Text;

namespace Speck.Host;

/// <summary>
/// Bounded renderings of text from requests (IDs, URNs, names, values) for error messages. A gRPC status message
/// travels in an HTTP/2 header: one that echoes a whole 100 KB import ID no longer fits the header block, the
/// client never gets an answer, and the connection is dead for every later call.
/// </summary>
public static class Excerpt
{
    public const int DefaultLength = 120;

    /// <summary>The text cut to <paramref name="max"/> characters with an ellipsis and the full length.</summary>
    public static string Of(string? text, int max = DefaultLength)
    {
        if (text is null) return "";
        if (text.Length <= max) return text;
        var cut = max;
        if (char.IsHighSurrogate(text[cut - 1])) cut--;
        return $"{text[..cut]}… ({text.Length} characters)";
    }

    /// <summary>
    /// The largest prefix of a status message whose percent-encoded form (grpc-message, RFC 3986 unreserved and
    /// printable ASCII stay, every other UTF-8 byte becomes %XX) fits <paramref name="maxEncodedBytes"/>.
    /// </summary>
    public static string StatusMessage(string message, int maxEncodedBytes = 4096)
    {
        var used = 0;
        for (var i = 0; i < message.Length; i++)
        {
            var c = message[i];
            int cost;
            if (c is >= ' ' and <= '~' and not '%') cost = 1;
            else if (char.IsHighSurrogate(c) && i + 1 < message.Length) cost = 12;
            else cost = Encoding.UTF8.GetByteCount([c]) * 3;
            if (used + cost > maxEncodedBytes - 24)
                return message[..i] + $"… (cut from {message.Length} characters)";
            used += cost;
            if (cost == 12) i++;
        }
        return message;
    }
}

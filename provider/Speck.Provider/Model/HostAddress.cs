using System.Net;

namespace Speck.Provider.Model;

/// <summary>
/// The host of an address as users write it: a URL, or <c>host:port</c> without a scheme (a SpecK document's
/// settings, a Kafka bootstrap server). Whether it is loopback decides whether another machine can reach it.
/// </summary>
public static class HostAddress
{
    /// <summary>The address as a URI (<c>host:port</c> read as one with a placeholder scheme), or null when it names no host.</summary>
    public static Uri? Parse(string text) =>
        Uri.TryCreate(text.Contains("://", StringComparison.Ordinal) ? text : "host://" + text, UriKind.Absolute, out var u) && u.Host.Length > 0 ? u : null;

    /// <summary>The address's host, lower case, or null.</summary>
    public static string? HostOf(string text) => Parse(text)?.Host.ToLowerInvariant();

    /// <summary>127.0.0.0/8, ::1 or localhost: the machine of whoever connects.</summary>
    public static bool IsLoopback(string? host) =>
        host is not null && (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip)));
}

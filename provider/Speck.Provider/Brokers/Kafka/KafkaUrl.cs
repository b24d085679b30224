using System.Globalization;
using System.Text.RegularExpressions;
using Speck.Host.Resources;

namespace Speck.Provider.Brokers.Kafka;

/// <summary>
/// A Kafka site's URL is its bootstrap list: <c>host:port[,host:port]</c>, optionally written <c>kafka://host:port,...</c>
/// so it reads like the MQTT URLs beside it. librdkafka takes the list without the scheme.
/// </summary>
public static partial class KafkaUrl
{
    private const string Scheme = "kafka://";

    [GeneratedRegex(@"^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)$")]
    private static partial Regex HostPattern();

    /// <summary>True with the bootstrap servers, or false with the reason the URL is not a bootstrap list.</summary>
    public static bool TryParse(string url, out string bootstrapServers, out string? error)
    {
        bootstrapServers = "";
        error = Problem(url, out var servers);
        if (error is not null) return false;
        bootstrapServers = string.Join(",", servers);
        return true;
    }

    /// <summary>The bootstrap servers of a URL that Check accepted.</summary>
    public static string BootstrapServers(string url) =>
        TryParse(url, out var servers, out var error) ? servers : throw ProviderException.Invalid($"broker.url: {error}");

    private static string? Problem(string url, out List<string> servers)
    {
        servers = [];
        var list = url.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? url[Scheme.Length..] : url;
        // Checked first and never echoed: user information may hold a password.
        if (url.Contains('@'))
            return "the URL has user information (user@host): give the Kafka user as broker.username and broker.password instead";
        if (list.Contains("://", StringComparison.Ordinal))
            return $"'{url}' is not a Kafka bootstrap list: use host:port[,host:port], optionally after kafka://";
        if (list.Trim().Length == 0) return "the Kafka bootstrap list is empty: use host:port[,host:port]";
        foreach (var entry in list.Split(','))
        {
            var server = entry.Trim();
            var colon = server.LastIndexOf(':');
            if (colon <= 0 || (server.StartsWith('[') && !server[..colon].EndsWith(']')))
                return $"'{server}' in '{url}' needs a port: host:port";
            var (host, port) = (server[..colon], server[(colon + 1)..]);
            if (!HostPattern().IsMatch(host)) return $"'{host}' in '{url}' is not a host name or IP address";
            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
                return $"'{port}' in '{url}' is not a port (1-65535)";
            servers.Add($"{host}:{p}");
        }
        return null;
    }
}

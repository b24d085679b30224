using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Speck.Provider.Brokers.Mqtt;

/// <summary>MQTT login. ToString never shows the password, because records print every member by default.</summary>
public sealed record MqttCredentials(string Username, string Password)
{
    public override string ToString() => $"{Username}:*****";
}

/// <summary>
/// Where and how to reach one broker. Value equality (including credentials and CA) makes it usable as
/// the key of the admin-connection pool: a different password must not reuse an old connection.
/// </summary>
public sealed record MqttEndpoint(
    string Host,
    int Port,
    bool UseTls = false,
    MqttCredentials? Credentials = null,
    string? CaCertificatePem = null)
{
    public const int DefaultPort = 1883;
    public const int DefaultTlsPort = 8883;

    /// <summary>The URL without credentials, safe for logs and error messages.</summary>
    public string Url => $"{(UseTls ? "mqtts" : "mqtt")}://{(Host.Contains(':') ? $"[{Host}]" : Host)}:{Port}";

    public MqttEndpoint WithCredentials(string username, string password) =>
        this with { Credentials = new MqttCredentials(username, password) };

    public MqttEndpoint WithoutCredentials() => this with { Credentials = null };

    public override string ToString() =>
        Credentials is null ? Url : $"{Url} (user '{Credentials.Username}')";
}

/// <summary>Parses provider configuration such as <c>mqtt://host:1883</c> or <c>mqtts://user:pw@host</c>.</summary>
public static class MqttUrl
{
    /// <summary>Parses or throws <see cref="FormatException"/> with a message fit for a Check failure.</summary>
    public static MqttEndpoint Parse(string? url, MqttCredentials? credentials = null, string? caCertificatePem = null)
    {
        if (!TryParse(url, out var endpoint, out var error, credentials, caCertificatePem)) throw new FormatException(error);

        return endpoint;
    }

    public static bool TryParse(
        string? url,
        [NotNullWhen(true)] out MqttEndpoint? endpoint,
        [NotNullWhen(false)] out string? error,
        MqttCredentials? credentials = null,
        string? caCertificatePem = null)
    {
        endpoint = null;
        error = Check(url, credentials, caCertificatePem, out var parsed);
        if (error is not null) return false;

        endpoint = parsed!;
        return true;
    }

    /// <summary>Replaces the user-info part of a URL so that echoing it back cannot leak a password.</summary>
    public static string Redact(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var authorityStart = schemeEnd < 0 ? 0 : schemeEnd + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0) authorityEnd = url.Length;

        if (authorityEnd <= authorityStart) return url;

        var at = url.LastIndexOf('@', authorityEnd - 1, authorityEnd - authorityStart);
        return at < 0 ? url : string.Concat(url.AsSpan(0, authorityStart), "***@", url.AsSpan(at + 1));
    }

    private const string Expected = "expected mqtt://host[:port] (plain, default port 1883) or mqtts://host[:port] (TLS, default port 8883)";

    private static string? Check(string? url, MqttCredentials? credentials, string? caPem, out MqttEndpoint? endpoint)
    {
        endpoint = null;
        if (string.IsNullOrWhiteSpace(url)) return $"the MQTT URL is empty; {Expected}";

        var shown = Redact(url.Trim());
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || !url.Contains("://", StringComparison.Ordinal))
            return $"'{shown}' is not a valid URL; {Expected}";

        var tls = uri.Scheme switch
        {
            "mqtt" => false,
            "mqtts" => true,
            _ => (bool?)null,
        };
        if (tls is null) return $"unsupported scheme '{uri.Scheme}' in '{shown}'; {Expected}";

        var host = uri.IdnHost;
        if (string.IsNullOrEmpty(host)) return $"'{shown}' has no host; {Expected}";

        var port = uri.Port < 0 ? (tls.Value ? MqttEndpoint.DefaultTlsPort : MqttEndpoint.DefaultPort) : uri.Port;
        if (port is < 1 or > 65535) return $"port {port} in '{shown}' is out of range; use 1-65535";

        if (uri.AbsolutePath is not ("" or "/"))
            return $"'{shown}' has a path ('{uri.AbsolutePath}'); an MQTT URL names only a host and port";

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
            return $"'{shown}' has a query or fragment; an MQTT URL names only a host and port";

        if (uri.UserInfo.Length > 0)
        {
            if (credentials is not null) return $"credentials are given both in the URL '{shown}' and separately; give them once";

            var colon = uri.UserInfo.IndexOf(':');
            var user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            var password = colon < 0 ? "" : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            if (user.Length == 0) return $"the URL '{shown}' has user information but no username";

            credentials = new MqttCredentials(user, password);
        }

        if (credentials is not null && string.IsNullOrEmpty(credentials.Username))
            return "the MQTT username is empty; give a username or no credentials at all";

        if (!string.IsNullOrWhiteSpace(caPem))
        {
            if (!tls.Value)
                return $"a CA certificate is given but '{shown}' uses mqtt:// (no TLS); use mqtts:// to validate the broker against that CA";

            var caError = CheckCaPem(caPem);
            if (caError is not null) return caError;
        }
        else
        {
            caPem = null;
        }

        endpoint = new MqttEndpoint(host, port, tls.Value, credentials, caPem);
        return null;
    }

    private static string? CheckCaPem(string pem)
    {
        try
        {
            return LoadCaCertificates(pem).Count == 0
                ? "the CA certificate PEM contains no '-----BEGIN CERTIFICATE-----' block"
                : null;
        }
        catch (CryptographicException e)
        {
            return $"the CA certificate PEM could not be read: {e.Message}";
        }
    }

    internal static X509Certificate2Collection LoadCaCertificates(string pem)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(pem);
        return collection;
    }
}

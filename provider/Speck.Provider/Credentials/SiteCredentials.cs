using System.Text.Json;
using Speck.Host.Resources;
using Speck.Provider.Model;

namespace Speck.Provider.Credentials;

/// <summary>
/// Credentials for engines and brokers by URL, from the provider's configuration (`speck:credentials`) or the
/// environment (`SPECK_CREDENTIALS`), as pulumi-kubernetes takes its kubeconfig: an import, a `get` or a site from
/// another stack arrives with URLs only, and the provider still has to log in. Either source holds a JSON document
/// (or the path of a file holding it):
/// <code>{ "engines": { "http://h:8081": { "token": "…" } },
///   "brokers": { "mqtt://h:1883": { "username": "…", "password": "…", "adminUsername": "…", "adminPassword": "…", "caCert": "…" } } }</code>
/// A credential an endpoint gives itself wins; these only fill in what it leaves out.
/// </summary>
public sealed class SiteCredentials
{
    public const string EnvironmentVariable = "SPECK_CREDENTIALS";

    private readonly Dictionary<string, SpeEndpoint> _engines;
    private readonly Dictionary<string, BrokerEndpoint> _brokers;

    private SiteCredentials(Dictionary<string, SpeEndpoint> engines, Dictionary<string, BrokerEndpoint> brokers) =>
        (_engines, _brokers) = (engines, brokers);

    public static SiteCredentials None { get; } = new(new(StringComparer.OrdinalIgnoreCase), new(StringComparer.OrdinalIgnoreCase));

    public int Count => _engines.Count + _brokers.Count;

    /// <summary>Every credential value, so texts leaving the provider can be scrubbed of them.</summary>
    public IEnumerable<string> Secrets =>
        _engines.Values.SelectMany(e => new[] { e.Token, e.Password })
            .Concat(_brokers.Values.SelectMany(b => new[] { b.Password, b.AdminPassword })).OfType<string>();

    /// <summary>From the config value when given, else the environment; <paramref name="source"/> names it in errors.</summary>
    public static SiteCredentials Load(string? configured, Func<string, string?> environment)
    {
        if (!string.IsNullOrWhiteSpace(configured)) return Parse(configured, "speck:credentials");
        return environment(EnvironmentVariable) is { } env && !string.IsNullOrWhiteSpace(env) ? Parse(env, EnvironmentVariable) : None;
    }

    public static SiteCredentials Parse(string documentOrPath, string source)
    {
        var text = documentOrPath.TrimStart();
        if (!text.StartsWith('{'))
        {
            try { text = File.ReadAllText(documentOrPath.Trim()); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw ProviderException.Invalid($"{source}: neither a JSON document nor a readable file ({e.GetType().Name})");
            }
        }
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new FormatException("the document is not a JSON object");
            var engines = new Dictionary<string, SpeEndpoint>(StringComparer.OrdinalIgnoreCase);
            var brokers = new Dictionary<string, BrokerEndpoint>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (property.Name is not ("engines" or "brokers")) throw new FormatException($"unknown key '{property.Name}' (expected `engines` and `brokers`)");
                if (property.Value.ValueKind != JsonValueKind.Object) throw new FormatException($"`{property.Name}` is not an object of URL to credentials");
                foreach (var entry in property.Value.EnumerateObject())
                {
                    if (entry.Value.ValueKind != JsonValueKind.Object) throw new FormatException($"`{property.Name}.{entry.Name}` is not an object");
                    string? Field(string name, params string[] allowed)
                    {
                        foreach (var f in entry.Value.EnumerateObject())
                            if (!allowed.Contains(f.Name)) throw new FormatException($"`{property.Name}.{entry.Name}` has unknown key '{f.Name}' (expected {string.Join(", ", allowed)})");
                        return entry.Value.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                    }
                    var key = Key(entry.Name);
                    if (property.Name == "engines")
                    {
                        string[] allowed = ["token", "username", "password"];
                        engines[key] = new SpeEndpoint { Kind = default, Url = entry.Name, Token = Field("token", allowed), Username = Field("username", allowed), Password = Field("password", allowed) };
                    }
                    else
                    {
                        string[] allowed = ["username", "password", "adminUsername", "adminPassword", "caCert"];
                        brokers[key] = new BrokerEndpoint
                        {
                            Kind = default, Url = entry.Name, Username = Field("username", allowed), Password = Field("password", allowed),
                            AdminUsername = Field("adminUsername", allowed), AdminPassword = Field("adminPassword", allowed), CaCert = Field("caCert", allowed),
                        };
                    }
                }
            }
            return new SiteCredentials(engines, brokers);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            // The message names keys and positions, never values: the document is a secret.
            throw ProviderException.Invalid($"{source}: not a credentials document: {(e is JsonException j ? $"invalid JSON at line {j.LineNumber + 1}" : e.Message)}");
        }
    }

    /// <summary>The engine with what it does not give itself taken from these credentials.</summary>
    public SpeEndpoint Complete(SpeEndpoint spe)
    {
        if (spe.Token is not null || spe.Username is not null || spe.Password is not null || spe.Url is null) return spe;
        return _engines.TryGetValue(Key(spe.Url), out var c) ? spe with { Token = c.Token, Username = c.Username, Password = c.Password } : spe;
    }

    public BrokerEndpoint Complete(BrokerEndpoint broker)
    {
        if (broker.Url is null || !_brokers.TryGetValue(Key(broker.Url), out var c)) return broker;
        var login = broker.Username is null && broker.Password is null ? (c.Username, c.Password) : (broker.Username, broker.Password);
        var admin = broker.AdminUsername is null && broker.AdminPassword is null ? (c.AdminUsername, c.AdminPassword) : (broker.AdminUsername, broker.AdminPassword);
        return broker with { Username = login.Item1, Password = login.Item2, AdminUsername = admin.Item1, AdminPassword = admin.Item2, CaCert = broker.CaCert ?? c.CaCert };
    }

    public SiteConnection Complete(SiteConnection site) =>
        site with { Spe = site.Spe is null ? null! : Complete(site.Spe), Broker = site.Broker is null ? null! : Complete(site.Broker) };

    public TopicEndpoint Complete(TopicEndpoint topic) => topic with { Broker = Complete(topic.Broker) };

    private static string Key(string url) => url.Trim().TrimEnd('/');
}

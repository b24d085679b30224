using System.ComponentModel;
using Speck.Host.Schema;
using Speck.Provider.Credentials;

namespace Speck.Provider;

[Description("Provider configuration: `speck:` keys in a stack's config.")]
public sealed record ProviderConfig
{
    public const int DefaultProbeTimeoutSeconds = 10;

    [Description("How long to wait for a site's engine or broker to answer a probe, in seconds.")]
    [SchemaDefault(DefaultProbeTimeoutSeconds)]
    [SchemaRange(1, 3600)]
    public int? ProbeTimeoutSeconds { get; init; }

    [Description("Client ID prefix of the provider's own MQTT connections (probes and dynamic-security admin).")]
    public string? MqttClientIdPrefix { get; init; }

    [Secret]
    [Description("Credentials of engines and brokers by URL, for sites whose inputs do not carry them (imports, `get`, sites from another stack): a JSON document `{\"engines\": {\"<url>\": {\"token\"|\"username\", \"password\"}}, \"brokers\": {\"<url>\": {\"username\", \"password\", \"adminUsername\", \"adminPassword\", \"caCert\"}}}` or the path of a file holding it. Falls back to the `SPECK_CREDENTIALS` environment variable. Credentials a site gives itself win.")]
    public string? Credentials { get; init; }

    public TimeSpan ProbeTimeout() => TimeSpan.FromSeconds(ProbeTimeoutSeconds ?? DefaultProbeTimeoutSeconds);
}

/// <summary>The configuration the engine gave in Configure, read by binders when they work.</summary>
public sealed class ConfigSource
{
    private SiteCredentials? _credentials;

    public ProviderConfig Current { get; private set; } = new();

    /// <summary>The configured credentials, else those of the environment (also before any Configure).</summary>
    public SiteCredentials Credentials =>
        _credentials ??= SiteCredentials.Load(null, Environment.GetEnvironmentVariable);

    public void Set(ProviderConfig config)
    {
        _credentials = SiteCredentials.Load(config.Credentials, Environment.GetEnvironmentVariable);
        Current = config;
    }
}

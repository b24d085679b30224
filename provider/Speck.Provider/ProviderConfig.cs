using System.ComponentModel;
using Speck.Host.Schema;

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

    public TimeSpan ProbeTimeout() => TimeSpan.FromSeconds(ProbeTimeoutSeconds ?? DefaultProbeTimeoutSeconds);
}

/// <summary>The configuration the engine gave in Configure, read by binders when they work.</summary>
public sealed class ConfigSource
{
    public ProviderConfig Current { get; set; } = new();
}

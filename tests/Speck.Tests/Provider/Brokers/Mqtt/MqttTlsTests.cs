using Speck.Provider.Brokers.Mqtt;

namespace Speck.Tests.Provider.Brokers.Mqtt;

/// <summary>
/// A first, small check of the mqtts:// path: a Mosquitto TLS listener with a certificate from a private CA.
/// The full TLS matrix comes later.
/// </summary>
public sealed class MqttTlsTests : IAsyncLifetime
{
    private MqttTlsBroker tls = null!;

    public async Task InitializeAsync() => tls = await MqttTlsBroker.StartAsync();

    public async Task DisposeAsync() => await tls.DisposeAsync();

    [Fact]
    public async Task Probe_over_tls_trusting_the_private_ca()
    {
        var result = await MqttProbe.ProbeAsync(MqttUrl.Parse($"mqtts://127.0.0.1:{tls.TlsPort}", caCertificatePem: tls.CaPem), CancellationToken.None);
        Assert.True(result.Connected, result.Error);
        Assert.StartsWith("mosquitto version", result.BrokerVersion);
    }

    [Fact]
    public async Task Another_ca_is_refused_with_a_tls_error()
    {
        var otherCa = MqttUrlTests.SelfSignedPem("CN=someone-else");
        var result = await MqttProbe.ProbeAsync(MqttUrl.Parse($"mqtts://127.0.0.1:{tls.TlsPort}", caCertificatePem: otherCa), CancellationToken.None);
        Assert.False(result.Connected);
        Assert.Equal(MqttConnectFailure.Tls, result.Failure);
        Assert.Contains("does not chain to the configured CA", result.Error);
    }

    [Fact]
    public async Task System_trust_does_not_know_the_private_ca()
    {
        var result = await MqttProbe.ProbeAsync(MqttUrl.Parse($"mqtts://127.0.0.1:{tls.TlsPort}"), CancellationToken.None);
        Assert.Equal(MqttConnectFailure.Tls, result.Failure);
        Assert.StartsWith("TLS handshake with", result.Error);
    }

    [Fact]
    public async Task Host_name_must_match_the_certificate()
    {
        // The certificate names 127.0.0.1 only.
        var result = await MqttProbe.ProbeAsync(MqttUrl.Parse($"mqtts://localhost:{tls.TlsPort}", caCertificatePem: tls.CaPem), CancellationToken.None);
        Assert.Equal(MqttConnectFailure.Tls, result.Failure);
        Assert.Contains("does not match the host name", result.Error);
    }

    [Fact]
    public async Task Tls_client_on_the_plain_port_fails_clearly()
    {
        var result = await MqttProbe.ProbeAsync(MqttUrl.Parse($"mqtts://127.0.0.1:{tls.Broker.Port}", caCertificatePem: tls.CaPem), CancellationToken.None);
        Assert.False(result.Connected);
        Assert.NotNull(result.Error);
        Assert.Contains($"127.0.0.1:{tls.Broker.Port}", result.Error);
    }
}

using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Speck.Provider.Brokers.Mqtt;
using Speck.Testbed.Mosquitto;

namespace Speck.Tests.Mqtt;

/// <summary>
/// A first, small check of the mqtts:// path: a Mosquitto TLS listener with a certificate from a private CA.
/// The full TLS matrix comes later.
/// </summary>
public sealed class MqttTlsTests : IAsyncLifetime
{
    private readonly string dir = Directory.CreateTempSubdirectory("speck-tls-").FullName;
    private MosquittoBroker broker = null!;
    private string caPem = null!;
    private int tlsPort;

    public async Task InitializeAsync()
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=speck-test-ca", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));

        using var serverKey = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-30), DateTimeOffset.UtcNow.AddHours(12), [1, 2, 3, 4]);

        caPem = ca.ExportCertificatePem();
        var certFile = Path.Combine(dir, "server.crt");
        var keyFile = Path.Combine(dir, "server.key");
        await File.WriteAllTextAsync(certFile, server.ExportCertificatePem());
        await File.WriteAllTextAsync(keyFile, serverKey.ExportPkcs8PrivateKeyPem());
        // The broker may read these after dropping root; test-only key material.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
            File.SetUnixFileMode(keyFile, (UnixFileMode)0b110_100_100);
        }

        tlsPort = Speck.Testbed.LoopbackPorts.PickFree();
        broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions
        {
            ExtraConfig = [$"listener {tlsPort} 127.0.0.1", $"certfile {certFile}", $"keyfile {keyFile}"],
        });
    }

    public async Task DisposeAsync()
    {
        await broker.DisposeAsync();
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Probe_over_tls_trusting_the_private_ca()
    {
        var result = await MqttProbe.ProbeAsync(MqttUrl.Parse($"mqtts://127.0.0.1:{tlsPort}", caCertificatePem: caPem), CancellationToken.None);
        Assert.True(result.Connected, result.Error);
        Assert.StartsWith("mosquitto version", result.BrokerVersion);
    }

    [Fact]
    public async Task Another_ca_is_refused_with_a_tls_error()
    {
        var otherCa = MqttUrlTests.SelfSignedPem("CN=someone-else");
        var result = await MqttProbe.ProbeAsync(MqttUrl.Parse($"mqtts://127.0.0.1:{tlsPort}", caCertificatePem: otherCa), CancellationToken.None);
        Assert.False(result.Connected);
        Assert.Equal(MqttConnectFailure.Tls, result.Failure);
        Assert.Contains("does not chain to the configured CA", result.Error);
    }

    [Fact]
    public async Task System_trust_does_not_know_the_private_ca()
    {
        var result = await MqttProbe.ProbeAsync(MqttUrl.Parse($"mqtts://127.0.0.1:{tlsPort}"), CancellationToken.None);
        Assert.Equal(MqttConnectFailure.Tls, result.Failure);
        Assert.StartsWith("TLS handshake with", result.Error);
    }

    [Fact]
    public async Task Host_name_must_match_the_certificate()
    {
        // The certificate names 127.0.0.1 only.
        var result = await MqttProbe.ProbeAsync(MqttUrl.Parse($"mqtts://localhost:{tlsPort}", caCertificatePem: caPem), CancellationToken.None);
        Assert.Equal(MqttConnectFailure.Tls, result.Failure);
        Assert.Contains("does not match the host name", result.Error);
    }

    [Fact]
    public async Task Tls_client_on_the_plain_port_fails_clearly()
    {
        var result = await MqttProbe.ProbeAsync(MqttUrl.Parse($"mqtts://127.0.0.1:{broker.Port}", caCertificatePem: caPem), CancellationToken.None);
        Assert.False(result.Connected);
        Assert.NotNull(result.Error);
        Assert.Contains($"127.0.0.1:{broker.Port}", result.Error);
    }
}

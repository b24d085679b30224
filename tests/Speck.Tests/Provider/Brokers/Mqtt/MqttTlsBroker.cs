using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Formatter;
using Speck.Testbed.Mosquitto;

namespace Speck.Tests.Provider.Brokers.Mqtt;

/// <summary>
/// A Mosquitto with a TLS listener on <see cref="TlsPort"/> (beside its plain one) whose certificate, for 127.0.0.1
/// only, a private CA signed. Test-only key material in a temp directory.
/// </summary>
public sealed class MqttTlsBroker : IAsyncDisposable
{
    private readonly string _dir;

    private MqttTlsBroker(string dir, MosquittoBroker broker, int tlsPort, string caPem)
    {
        _dir = dir;
        Broker = broker;
        TlsPort = tlsPort;
        CaPem = caPem;
    }

    public MosquittoBroker Broker { get; }
    public int TlsPort { get; }

    /// <summary>PEM of the CA that signed the broker's certificate.</summary>
    public string CaPem { get; }

    public string TlsUrl => $"mqtts://127.0.0.1:{TlsPort}";

    public static async Task<MqttTlsBroker> StartAsync(MosquittoBrokerOptions? options = null)
    {
        var dir = Directory.CreateTempSubdirectory("speck-tls-").FullName;
        try
        {
            using var caKey = RSA.Create(2048);
            using var ca = SelfSignedCa("CN=speck-test-ca", caKey);
            using var serverKey = RSA.Create(2048);
            var request = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
            using var server = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-30), DateTimeOffset.UtcNow.AddHours(12), [1, 2, 3, 4]);

            var certFile = Path.Combine(dir, "server.crt");
            var keyFile = Path.Combine(dir, "server.key");
            await File.WriteAllTextAsync(certFile, server.ExportCertificatePem());
            await File.WriteAllTextAsync(keyFile, serverKey.ExportPkcs8PrivateKeyPem());
            // The broker may read these after dropping root.
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
                File.SetUnixFileMode(keyFile, (UnixFileMode)0b110_100_100);
            }

            var tlsPort = Speck.Testbed.LoopbackPorts.PickFree();
            var broker = await MosquittoBroker.StartAsync((options ?? new MosquittoBrokerOptions()) with
            {
                ExtraConfig = [$"listener {tlsPort} 127.0.0.1", $"certfile {certFile}", $"keyfile {keyFile}"],
            });
            return new MqttTlsBroker(dir, broker, tlsPort, ca.ExportCertificatePem());
        }
        catch
        {
            Directory.Delete(dir, recursive: true);
            throw;
        }
    }

    /// <summary>Another CA, which signed nothing the broker presents.</summary>
    public static string OtherCaPem()
    {
        using var key = RSA.Create(2048);
        using var ca = SelfSignedCa("CN=speck-other-ca", key);
        return ca.ExportCertificatePem();
    }

    private static X509Certificate2 SelfSignedCa(string subject, RSA key)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    /// <summary>An MQTTnet client on the TLS listener that trusts only the private CA (and checks the host name).</summary>
    public async Task<IMqttClient> ConnectAsync(string? user = null, string? password = null)
    {
        var ca = X509Certificate2.CreateFromPem(CaPem);
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", TlsPort)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(MqttTest.Unique("tls-test"))
            .WithTlsOptions(o => o.UseTls().WithTargetHost("127.0.0.1").WithCertificateValidationHandler(args =>
            {
                if (args.Certificate is null || (args.SslPolicyErrors & System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                    return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(args.Certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(args.Certificate.GetRawCertData()));
            }));
        if (user is not null) options.WithCredentials(user, password);
        var result = await client.ConnectAsync(options.Build(), CancellationToken.None);
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await Broker.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}

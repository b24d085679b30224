using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Speck.Provider.Brokers.Mqtt;

namespace Speck.Tests.Provider.Brokers.Mqtt;

[Trait("Category", "Unit")]
public class MqttUrlTests
{
    [Theory]
    [InlineData("mqtt://broker.local", "broker.local", 1883, false)]
    [InlineData("mqtts://broker.local", "broker.local", 8883, true)]
    [InlineData("mqtt://127.0.0.1:21883", "127.0.0.1", 21883, false)]
    [InlineData("mqtts://127.0.0.1:9999/", "127.0.0.1", 9999, true)]
    [InlineData("  mqtt://Broker.Local:1884  ", "broker.local", 1884, false)]
    [InlineData("mqtt://[::1]:1885", "::1", 1885, false)]
    public void Parses_host_port_and_tls(string url, string host, int port, bool tls)
    {
        var endpoint = MqttUrl.Parse(url);
        Assert.Equal(host, endpoint.Host);
        Assert.Equal(port, endpoint.Port);
        Assert.Equal(tls, endpoint.UseTls);
        Assert.Null(endpoint.Credentials);
    }

    [Fact]
    public void Url_round_trips_and_brackets_ipv6()
    {
        Assert.Equal("mqtt://[::1]:1885", MqttUrl.Parse("mqtt://[::1]:1885").Url);
        Assert.Equal("mqtts://h:8883", MqttUrl.Parse("mqtts://h").Url);
    }

    [Fact]
    public void Credentials_come_from_user_info_percent_decoded()
    {
        var endpoint = MqttUrl.Parse("mqtt://ad%20min:p%40ss:w@h:1883");
        Assert.Equal(new MqttCredentials("ad min", "p@ss:w"), endpoint.Credentials);
        Assert.Equal("mqtt://h:1883", endpoint.Url);
    }

    [Fact]
    public void Credentials_can_be_given_separately()
    {
        var endpoint = MqttUrl.Parse("mqtt://h", new MqttCredentials("admin", "pw"));
        Assert.Equal("admin", endpoint.Credentials!.Username);
        Assert.Equal(endpoint, MqttUrl.Parse("mqtt://h").WithCredentials("admin", "pw"));
    }

    [Fact]
    public void Passwords_never_show_in_ToString()
    {
        var endpoint = MqttUrl.Parse("mqtt://admin:TopSecret1@h");
        Assert.DoesNotContain("TopSecret1", endpoint.ToString());
        Assert.DoesNotContain("TopSecret1", endpoint.Credentials!.ToString());
        Assert.Contains("admin", endpoint.ToString());
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("localhost:1883", "not a valid URL")]
    [InlineData("broker.local", "not a valid URL")]
    [InlineData("http://h:1883", "unsupported scheme 'http'")]
    [InlineData("ws://h", "unsupported scheme 'ws'")]
    [InlineData("tcp://h:1883", "unsupported scheme 'tcp'")]
    [InlineData("mqtt://h:0", "out of range")]
    [InlineData("mqtt://h:70000", "not a valid URL")]
    [InlineData("mqtt://h:abc", "not a valid URL")]
    [InlineData("mqtt://h/topic", "has a path ('/topic')")]
    [InlineData("mqtt://h?x=1", "query or fragment")]
    [InlineData("mqtt://h#frag", "query or fragment")]
    [InlineData("mqtt://:pw@h", "no username")]
    public void Bad_urls_give_clear_errors(string? url, string expected)
    {
        Assert.False(MqttUrl.TryParse(url, out var endpoint, out var error));
        Assert.Null(endpoint);
        Assert.Contains(expected, error);
        var thrown = Assert.Throws<FormatException>(() => MqttUrl.Parse(url));
        Assert.Equal(error, thrown.Message);
    }

    [Theory]
    [InlineData("http://admin:TopSecret1@h")]
    [InlineData("mqtt://admin:TopSecret1@h/path")]
    [InlineData("mqtt://admin:TopSecret1@h:0")]
    public void Errors_do_not_echo_passwords(string url)
    {
        Assert.False(MqttUrl.TryParse(url, out _, out var error));
        Assert.DoesNotContain("TopSecret1", error);
        Assert.Contains("***@h", error);
    }

    [Fact]
    public void Credentials_twice_is_an_error()
    {
        Assert.False(MqttUrl.TryParse("mqtt://a:b@h", out _, out var error, new MqttCredentials("c", "d")));
        Assert.Contains("both in the URL", error);
    }

    [Fact]
    public void Ca_certificate_needs_tls_and_a_readable_pem()
    {
        var pem = SelfSignedPem();
        var endpoint = MqttUrl.Parse("mqtts://h", caCertificatePem: pem);
        Assert.Equal(pem, endpoint.CaCertificatePem);

        Assert.False(MqttUrl.TryParse("mqtt://h", out _, out var plain, caCertificatePem: pem));
        Assert.Contains("uses mqtt:// (no TLS)", plain);

        Assert.False(MqttUrl.TryParse("mqtts://h", out _, out var garbage, caCertificatePem: "not a pem"));
        Assert.Contains("no '-----BEGIN CERTIFICATE-----' block", garbage);

        var broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        Assert.False(MqttUrl.TryParse("mqtts://h", out _, out var unreadable, caCertificatePem: broken));
        Assert.Contains("could not be read", unreadable);
    }

    [Fact]
    public void Blank_ca_is_no_ca()
    {
        Assert.Null(MqttUrl.Parse("mqtt://h", caCertificatePem: "  ").CaCertificatePem);
    }

    internal static string SelfSignedPem(string subject = "CN=speck-test-ca")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return cert.ExportCertificatePem();
    }
}

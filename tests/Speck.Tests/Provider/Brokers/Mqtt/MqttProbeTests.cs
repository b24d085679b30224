using System.Net;
using System.Net.Sockets;
using Speck.Provider.Brokers.Mqtt;
using Speck.Testbed.Mosquitto;

namespace Speck.Tests.Provider.Brokers.Mqtt;

public class MqttProbeTests(DynsecBrokerFixture fx) : IClassFixture<DynsecBrokerFixture>
{
    [Fact]
    public async Task Running_dynsec_broker_with_admin_login()
    {
        var result = await MqttProbe.ProbeAsync(fx.Admin, CancellationToken.None);
        Assert.True(result.Reachable);
        Assert.True(result.Connected);
        Assert.StartsWith("mosquitto version 2.", result.BrokerVersion);
        Assert.True(result.DynsecAvailable);
        Assert.Null(result.Failure);
        Assert.Null(result.Error);
        Assert.Null(result.DynsecError);
    }

    [Fact]
    public async Task Wrong_password_is_reachable_but_refused_with_the_connack_reason()
    {
        var result = await MqttProbe.ProbeAsync(fx.Admin.WithCredentials(fx.Broker.AdminUser!, "Not-The-Pw"), CancellationToken.None);
        Assert.True(result.Reachable);
        Assert.False(result.Connected);
        Assert.Equal(MqttConnectFailure.BadCredentials, result.Failure);
        Assert.Equal(135, result.ConnackReasonCode);
        Assert.Contains("CONNACK 135 NotAuthorized", result.Error);
        Assert.Contains($"user '{fx.Broker.AdminUser}'", result.Error);
        Assert.DoesNotContain("Not-The-Pw", result.ToString());
        Assert.Null(result.DynsecAvailable);
    }

    [Fact]
    public async Task Anonymous_login_to_a_dynsec_broker_is_refused()
    {
        var result = await MqttProbe.ProbeAsync(fx.Admin.WithoutCredentials(), CancellationToken.None);
        Assert.Equal(MqttConnectFailure.BadCredentials, result.Failure);
        Assert.Contains("requires a username and password", result.Error);
    }

    [Fact]
    public async Task Non_admin_login_connects_but_has_no_version_and_no_dynsec()
    {
        var user = MqttTest.Unique("plain");
        await fx.Dynsec.CreateClientAsync(user, "pw");
        var result = await MqttProbe.ProbeAsync(fx.Admin.WithCredentials(user, "pw"), CancellationToken.None);
        Assert.True(result.Connected);
        Assert.Null(result.BrokerVersion);
        Assert.False(result.DynsecAvailable);
        Assert.Contains("dynsec admin role", result.DynsecError);
    }

    [Fact]
    public async Task Stopped_broker_is_unreachable_with_connection_refused()
    {
        var broker = await MosquittoBroker.StartAsync();
        var endpoint = MqttUrl.Parse(broker.Url);
        await broker.DisposeAsync();

        var result = await MqttProbe.ProbeAsync(endpoint, CancellationToken.None);
        Assert.False(result.Reachable);
        Assert.False(result.Connected);
        Assert.Equal(MqttConnectFailure.ConnectionRefused, result.Failure);
        Assert.Contains($"connection to {broker.Url} was refused", result.Error);
    }

    [Fact]
    public async Task Silent_listener_is_a_timeout()
    {
        // Accepts TCP but never answers CONNECT, like a wedged broker or a wrong service.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var options = MqttProbeOptions.Default with
        {
            Connection = MqttConnectionOptions.Default with { ConnectTimeout = TimeSpan.FromMilliseconds(300) },
        };

        var result = await MqttProbe.ProbeAsync(MqttUrl.Parse($"mqtt://127.0.0.1:{port}"), options, CancellationToken.None);
        Assert.False(result.Reachable);
        Assert.Equal(MqttConnectFailure.Timeout, result.Failure);
        Assert.Contains("did not complete the MQTT connect", result.Error);
    }

    [Fact]
    public async Task Unknown_host_is_reported()
    {
        var result = await MqttProbe.ProbeAsync(MqttUrl.Parse("mqtt://no-such-host.invalid:1883"), CancellationToken.None);
        Assert.False(result.Reachable);
        Assert.Contains(result.Failure, new MqttConnectFailure?[] { MqttConnectFailure.HostNotFound, MqttConnectFailure.Other });
        Assert.Contains("no-such-host.invalid", result.Error);
    }

    [Fact]
    public async Task Topic_check_uses_the_suback_code_of_the_login()
    {
        var topic = $"{MqttTest.Unique("site")}/raw";
        var endpoint = await MqttTest.SubscriberOfAsync(fx, topic);

        var allowed = await MqttProbe.CheckTopicAcceptedAsync(endpoint, topic, CancellationToken.None);
        Assert.True(allowed.Accepted, allowed.Reason);

        var denied = await MqttProbe.CheckTopicAcceptedAsync(endpoint, topic + "/other", CancellationToken.None);
        Assert.False(denied.Accepted);
        Assert.Equal(135, denied.ReasonCode);
        Assert.Contains("SUBACK 135 NotAuthorized", denied.Reason);
    }
}

public class MqttProbeAnonymousTests(AnonymousBrokerFixture fx) : IClassFixture<AnonymousBrokerFixture>
{
    [Fact]
    public async Task Broker_without_dynsec_and_without_credentials()
    {
        var result = await MqttProbe.ProbeAsync(fx.Endpoint, CancellationToken.None);
        Assert.True(result.Connected);
        Assert.StartsWith("mosquitto version", result.BrokerVersion);
        Assert.Null(result.DynsecAvailable); // not asked: no admin credentials
    }

    [Fact]
    public async Task Broker_without_dynsec_with_credentials_reports_dynsec_missing()
    {
        var options = MqttProbeOptions.Default with { DynsecTimeout = TimeSpan.FromMilliseconds(500) };
        var result = await MqttProbe.ProbeAsync(fx.Endpoint.WithCredentials("admin", "x"), options, CancellationToken.None);
        Assert.True(result.Connected);
        Assert.False(result.DynsecAvailable);
        Assert.Contains("no answer from the dynamic-security plugin", result.DynsecError);
    }

    [Theory]
    [InlineData("site1/raw")]
    [InlineData("sp ace/ü/\U0001F600")]
    [InlineData("/leading")]
    [InlineData("a//b")]
    public async Task Valid_topics_are_accepted_without_publishing(string topic)
    {
        var result = await MqttProbe.CheckTopicAcceptedAsync(fx.Endpoint, topic, CancellationToken.None);
        Assert.True(result.Accepted, result.Reason);
        Assert.Equal(0, result.ReasonCode);
        Assert.DoesNotContain("Received PUBLISH from speck-check", await fx.Broker.ReadLogAsync());
        Assert.Contains("Received SUBSCRIBE from speck-check", await fx.Broker.ReadLogAsync());
    }

    [Theory]
    [InlineData("a/+/b", "wildcard")]
    [InlineData("$SYS/x", "reserved")]
    [InlineData("", "must not be empty")]
    [InlineData("nul\0here", "NUL")]
    public async Task Invalid_topics_are_refused_locally(string topic, string expected)
    {
        var result = await MqttProbe.CheckTopicAcceptedAsync(fx.Endpoint, topic, CancellationToken.None);
        Assert.False(result.Accepted);
        Assert.Null(result.ReasonCode);
        Assert.Contains(expected, result.Reason);
        Assert.True(fx.Broker.IsRunning);
    }
}

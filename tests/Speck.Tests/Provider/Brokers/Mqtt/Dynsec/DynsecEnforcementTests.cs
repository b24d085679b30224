using MQTTnet;
using Speck.Provider.Brokers.Mqtt;
using Speck.Provider.Brokers.Mqtt.Dynsec;

namespace Speck.Tests.Provider.Brokers.Mqtt.Dynsec;

/// <summary>
/// Roles written through MosquittoDynsec really govern what MQTT clients may do (docs/mosquitto-dynsec.md
/// §Roles govern what clients may do).
/// </summary>
public class DynsecEnforcementTests(DynsecBrokerFixture fx) : IClassFixture<DynsecBrokerFixture>
{
    [Fact]
    public async Task Publish_role_allows_only_its_topic()
    {
        var prefix = MqttTest.Unique("site");
        var topic = $"{prefix}/raw";
        var role = MqttTest.Unique("pub");
        var user = MqttTest.Unique("sensor");
        await fx.Dynsec.CreateRoleAsync(role, "publisher", [new(DynsecAclType.PublishClientSend, topic)]);
        await fx.Dynsec.CreateClientAsync(user, "SensorPw1", roles: [new(role)]);

        using var sensor = await MqttTest.ConnectAsync(fx.Broker, user, "SensorPw1");
        // 16 = accepted but nobody subscribed; both mean "allowed".
        Assert.Contains(await MqttTest.PublishAsync(sensor, topic),
            new[] { MqttClientPublishReasonCode.Success, MqttClientPublishReasonCode.NoMatchingSubscribers });
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await MqttTest.PublishAsync(sensor, $"{prefix}/other"));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await MqttTest.PublishAsync(sensor, $"{topic}/extra"));
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, await MqttTest.SubscribeAsync(sensor, topic));
    }

    [Fact]
    public async Task Subscribe_role_allows_only_its_filter_and_receives_the_publishers_messages()
    {
        var prefix = MqttTest.Unique("site");
        var topic = $"{prefix}/raw";
        var pubRole = MqttTest.Unique("pub");
        var subRole = MqttTest.Unique("sub");
        var sensorUser = MqttTest.Unique("sensor");
        var readerUser = MqttTest.Unique("reader");
        await fx.Dynsec.CreateRoleAsync(pubRole, null, [new(DynsecAclType.PublishClientSend, topic)]);
        await fx.Dynsec.CreateRoleAsync(subRole, null, [new(DynsecAclType.SubscribeLiteral, topic)]);
        await fx.Dynsec.CreateClientAsync(sensorUser, "pw-s", roles: [new(pubRole)]);
        await fx.Dynsec.CreateClientAsync(readerUser, "pw-r", roles: [new(subRole)]);

        using var reader = await MqttTest.ConnectAsync(fx.Broker, readerUser, "pw-r");
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        reader.ApplicationMessageReceivedAsync += e =>
        {
            received.TrySetResult($"{e.ApplicationMessage.Topic}={e.ApplicationMessage.ConvertPayloadToString()}");
            return Task.CompletedTask;
        };

        Assert.True(MqttTest.Granted(await MqttTest.SubscribeAsync(reader, topic)));
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, await MqttTest.SubscribeAsync(reader, $"{prefix}/other"));
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, await MqttTest.SubscribeAsync(reader, $"{prefix}/+"));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await MqttTest.PublishAsync(reader, topic));

        using var sensor = await MqttTest.ConnectAsync(fx.Broker, sensorUser, "pw-s");
        Assert.Equal(MqttClientPublishReasonCode.Success, await MqttTest.PublishAsync(sensor, topic, "42"));
        Assert.Equal($"{topic}=42", await received.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Acl_changes_apply_to_an_open_connection()
    {
        var topic = $"{MqttTest.Unique("site")}/raw";
        var role = MqttTest.Unique("pub");
        var user = MqttTest.Unique("sensor");
        await fx.Dynsec.CreateRoleAsync(role, null, [new(DynsecAclType.PublishClientSend, topic)]);
        await fx.Dynsec.CreateClientAsync(user, "pw", roles: [new(role)]);
        using var sensor = await MqttTest.ConnectAsync(fx.Broker, user, "pw");
        Assert.Equal(MqttClientPublishReasonCode.NoMatchingSubscribers, await MqttTest.PublishAsync(sensor, topic));

        // An explicit deny must stay a deny: the ACL is sent with allow:false, not left out.
        await fx.Dynsec.SetRoleAclsAsync(role, [new(DynsecAclType.PublishClientSend, topic, Allow: false)]);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await MqttTest.PublishAsync(sensor, topic));

        await fx.Dynsec.SetRoleAclsAsync(role, [new(DynsecAclType.PublishClientSend, topic, Allow: true)]);
        Assert.Equal(MqttClientPublishReasonCode.NoMatchingSubscribers, await MqttTest.PublishAsync(sensor, topic));
    }
}

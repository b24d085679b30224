using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Speck.Testbed.Mosquitto;

namespace Speck.Testbed.Demo;

/// <summary>
/// Shows that a topic's dynsec roles work: two fresh clients, one given the publish role and one the subscribe
/// role; a message gets through, and the subscriber's own publish is refused. The clients are removed afterwards.
/// </summary>
public static class PubSubCheck
{
    public static async Task<int> RunAsync(string configPath, string site, string topic, string publishRole, string subscribeRole, TextWriter output)
    {
        var (broker, password) = await SiteBrokerAsync(configPath, site);
        Task<string> Ctrl(params string[] a) => MosquittoCtrl.DynsecAsync(broker.Host, broker.Port, "admin", password, a);

        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (pubUser, subUser, clientPassword) = ($"demo-pub-{suffix}", $"demo-sub-{suffix}", Guid.NewGuid().ToString("N"));
        await Ctrl("createClient", pubUser, "-p", clientPassword);
        await Ctrl("createClient", subUser, "-p", clientPassword);
        try
        {
            await Ctrl("addClientRole", pubUser, publishRole);
            await Ctrl("addClientRole", subUser, subscribeRole);
            using var publisher = await ConnectAsync(broker, pubUser, clientPassword);
            using var subscriber = await ConnectAsync(broker, subUser, clientPassword);

            var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            subscriber.ApplicationMessageReceivedAsync += e =>
            {
                received.TrySetResult(e.ApplicationMessage.ConvertPayloadToString());
                return Task.CompletedTask;
            };
            var sub = await subscriber.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce).Build());
            output.WriteLine($"{subUser} subscribed to '{topic}': {sub.Items.Single().ResultCode}");

            var message = $"hello from {pubUser} at {DateTime.UtcNow:O}";
            var pub = await publisher.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(message)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            output.WriteLine($"{pubUser} published to '{topic}': {pub.ReasonCode}");
            var got = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
            output.WriteLine($"{subUser} received: {got}");

            var denied = await subscriber.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload("not allowed")
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            output.WriteLine($"{subUser} (subscribe role only) tried to publish: {denied.ReasonCode}");
            return got == message && denied.ReasonCode == MqttClientPublishReasonCode.NotAuthorized ? 0 : 1;
        }
        catch (TimeoutException)
        {
            output.WriteLine("no message arrived within 10 s");
            return 1;
        }
        finally
        {
            await Ctrl("deleteClient", pubUser);
            await Ctrl("deleteClient", subUser);
        }
    }

    /// <summary>A site's broker and admin password, from the stack config file speck-testbed wrote.</summary>
    public static Task<(Uri Broker, string AdminPassword)> SiteBrokerAsync(string configPath, string site)
    {
        var config = StackConfigFile.Read(configPath);
        return Task.FromResult((new Uri(config[$"{site}BrokerUrl"]), config[$"{site}AdminPassword"]));
    }

    private static async Task<IMqttClient> ConnectAsync(Uri broker, string user, string password)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500).WithClientId(user).WithCredentials(user, password).Build());
        return client;
    }
}

using System.Text.RegularExpressions;
using Speck.Provider.Brokers.Mqtt;
using Speck.Testbed.Mosquitto;

namespace Speck.Tests.Provider.Brokers.Mqtt;

/// <summary>Topic checks of a wide program share one broker connection per login, and survive a broker restart.</summary>
public sealed class MqttTopicChecksTests(DynsecBrokerFixture fx) : IClassFixture<DynsecBrokerFixture>
{
    private static int CheckConnects(string log) => Regex.Count(log, @"New client connected from \S+ as speck-check-");

    [Fact]
    public async Task Concurrent_checks_share_one_connection_and_a_restart_opens_another()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var checks = new MqttTopicChecks();
        var endpoint = MqttUrl.Parse(broker.Url);

        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            checks.CheckAsync(endpoint, $"chain/t{i}", MqttConnectionOptions.Default, CancellationToken.None)));

        Assert.All(results, r => Assert.True(r.Accepted, r.Reason));
        Assert.Equal(30, Regex.Count(await broker.ReadLogAsync(), "Received SUBSCRIBE from speck-check-"));
        Assert.Equal(1, CheckConnects(await broker.ReadLogAsync()));

        await broker.RestartAsync();
        var after = await checks.CheckAsync(endpoint, "chain/after-restart", MqttConnectionOptions.Default, CancellationToken.None);

        Assert.True(after.Accepted, after.Reason);
        Assert.Equal(2, CheckConnects(await broker.ReadLogAsync()));
        Assert.Equal(1, checks.Count);
    }

    [Fact]
    public async Task A_refused_topic_does_not_spoil_the_shared_connection_for_the_next_check()
    {
        var topic = $"{MqttTest.Unique("site")}/raw";
        var endpoint = await MqttTest.SubscriberOfAsync(fx, topic);
        await using var checks = new MqttTopicChecks();

        var denied = await checks.CheckAsync(endpoint, topic + "/other", MqttConnectionOptions.Default, CancellationToken.None);
        var allowed = await checks.CheckAsync(endpoint, topic, MqttConnectionOptions.Default, CancellationToken.None);
        var invalid = await checks.CheckAsync(endpoint, "a/+/b", MqttConnectionOptions.Default, CancellationToken.None);

        Assert.False(denied.Accepted);
        Assert.Contains("SUBACK 135 NotAuthorized", denied.Reason);
        Assert.True(allowed.Accepted, allowed.Reason);
        Assert.False(invalid.Accepted);
        Assert.Null(invalid.ReasonCode);
        Assert.Equal(1, checks.Count);
    }
}

using Speck.Provider;
using Speck.Provider.Brokers;
using Speck.Provider.Brokers.Mqtt;
using Speck.Provider.Brokers.Mqtt.Dynsec;
using Speck.Provider.Model;
using Speck.Provider.Spe.NodeRed;
using Speck.Tests.Provider.Brokers.Mqtt;

namespace Speck.Tests.Provider.Spe.NodeRed;

/// <summary>A Node-RED job logging in to a broker with dynamic security as its own least-privilege client.</summary>
public sealed class NodeRedDynsecTests(DynsecBrokerFixture broker, NodeRedSiteFixture site)
    : IClassFixture<DynsecBrokerFixture>, IClassFixture<NodeRedSiteFixture>
{
    private readonly MqttBinder _topics = new(new ConfigSource(), new DynsecConnectionPool());
    private readonly MqttJobCredentials _logins = new(new ConfigSource(), new DynsecConnectionPool());

    private BrokerEndpoint Broker => new()
    {
        Kind = BrokerKind.Mqtt, Url = broker.Broker.Url, AdminUsername = broker.Broker.AdminUser, AdminPassword = broker.Broker.AdminPassword,
    };

    [Fact]
    public async Task Job_with_its_own_login_processes_data_and_a_wrong_password_never_connects()
    {
        var prefix = MqttTest.Unique("nr");
        var raw = await _topics.CreateTopicAsync(Broker, new TopicRequest($"{prefix}/raw", "owner-" + prefix), CancellationToken.None);
        var clean = await _topics.CreateTopicAsync(Broker, new TopicRequest($"{prefix}/clean", "owner-" + prefix), CancellationToken.None);
        var job = new JobAccess(MqttTest.Unique("job"), "j-" + prefix, [raw.SubscribeRole!, clean.PublishRole!]);
        var client = new JobAccess(MqttTest.Unique("client"), "c-" + prefix, [raw.PublishRole!, clean.SubscribeRole!]);
        await _logins.GrantAsync(Broker, job, "pw-job-1a", CancellationToken.None);
        await _logins.GrantAsync(Broker, client, "pw-client-1a", CancellationToken.None);

        NodeRedJobSpec Spec(string password) => new()
        {
            JobKey = MqttTest.Unique("key"),
            Name = "clean " + prefix,
            FunctionBody = "if (!msg.payload || msg.payload.car === undefined) { return null; } msg.payload = { car: msg.payload.car, ok: true }; return msg;",
            Sources = [NodeRedTopics.From(new TopicEndpoint { SiteName = "edge", Broker = Broker, Name = raw.Name }, job.Username, password)],
            Sink = NodeRedTopics.From(new TopicEndpoint { SiteName = "edge", Broker = Broker, Name = clean.Name }, job.Username, password),
        };

        var jobs = site.Jobs();
        var good = NodeRedFlowBuilder.Build(Spec("pw-job-1a"));
        var dep = await jobs.DeployAsync(good, CancellationToken.None);
        await jobs.WaitConnectedAsync(dep.FlowId, good, NodeRedTest.ConnectTimeout, CancellationToken.None);

        using var publisher = await MqttTest.ConnectAsync(broker.Broker, client.Username, "pw-client-1a");
        var (sink, received) = await NodeRedTest.SinkAsync(broker.Broker, clean.Name, client.Username, "pw-client-1a");
        using (sink)
        {
            await MqttTest.PublishAsync(publisher, raw.Name, "not json");
            Assert.True(await NodeRedTest.FlowsThroughAsync(publisher, raw.Name, """{"car":"v1"}""", received, """{"car":"v1","ok":true}"""));
        }

        Assert.DoesNotContain(received, r => r.Contains("not json"));
        await jobs.DeleteAsync(dep.FlowId, CancellationToken.None);

        var bad = NodeRedFlowBuilder.Build(Spec("wrong-password"));
        var badDep = await jobs.DeployAsync(bad, CancellationToken.None);
        var e = await Assert.ThrowsAsync<TimeoutException>(() => jobs.WaitConnectedAsync(badDep.FlowId, bad, TimeSpan.FromSeconds(3), CancellationToken.None));
        Assert.Contains($"source '{raw.Name}' on {broker.Broker.Url} is", e.Message);
        Assert.DoesNotContain("wrong-password", e.Message);
        await jobs.DeleteAsync(badDep.FlowId, TimeSpan.FromSeconds(1), CancellationToken.None);
    }
}

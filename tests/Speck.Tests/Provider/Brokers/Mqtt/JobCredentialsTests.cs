using MQTTnet;
using Speck.Provider;
using Speck.Provider.Brokers;
using Speck.Provider.Brokers.Mqtt;
using Speck.Provider.Brokers.Mqtt.Dynsec;
using Speck.Provider.Model;

namespace Speck.Tests.Provider.Brokers.Mqtt;

/// <summary>
/// Two jobs on a real Mosquitto with dynamic security, each with its own client: job 1 reads raw and writes clean,
/// job 2 reads clean and writes stats. Their credentials can do exactly that and are refused everywhere else.
/// </summary>
public class JobCredentialsTests(DynsecBrokerFixture fx) : IClassFixture<DynsecBrokerFixture>
{
    private readonly MqttBinder _topics = new(new ConfigSource(), new DynsecConnectionPool());
    private readonly MqttJobCredentials _jobs = new(new ConfigSource(), new DynsecConnectionPool());

    private BrokerEndpoint Broker => new()
    {
        Kind = BrokerKind.Mqtt, Url = fx.Broker.Url, AdminUsername = fx.Broker.AdminUser, AdminPassword = fx.Broker.AdminPassword,
    };

    private async Task<TopicRecord> TopicAsync(string name) =>
        await _topics.CreateTopicAsync(Broker, new TopicRequest(name, "owner-" + MqttTest.Unique("t")), CancellationToken.None);

    [Fact]
    public async Task Each_jobs_login_can_read_its_sources_and_write_its_sink_and_nothing_else()
    {
        var site = MqttTest.Unique("site");
        var (raw, clean, stats) = (await TopicAsync($"{site}/raw"), await TopicAsync($"{site}/clean"), await TopicAsync($"{site}/stats"));
        var job1 = new JobAccess(MqttTest.Unique("job1"), "j1", [raw.SubscribeRole!, clean.PublishRole!]);
        var job2 = new JobAccess(MqttTest.Unique("job2"), "j2", [clean.SubscribeRole!, stats.PublishRole!]);
        await _jobs.GrantAsync(Broker, job1, "pw-job1-x", CancellationToken.None);
        await _jobs.GrantAsync(Broker, job2, "pw-job2-x", CancellationToken.None);

        using var c1 = await MqttTest.ConnectAsync(fx.Broker, job1.Username, "pw-job1-x");
        Assert.True(MqttTest.Granted(await MqttTest.SubscribeAsync(c1, raw.Name)));
        Assert.True(Allowed(await MqttTest.PublishAsync(c1, clean.Name)));
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, await MqttTest.SubscribeAsync(c1, clean.Name));
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, await MqttTest.SubscribeAsync(c1, stats.Name));
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, await MqttTest.SubscribeAsync(c1, $"{site}/#"));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await MqttTest.PublishAsync(c1, raw.Name));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await MqttTest.PublishAsync(c1, stats.Name));

        using var c2 = await MqttTest.ConnectAsync(fx.Broker, job2.Username, "pw-job2-x");
        Assert.True(MqttTest.Granted(await MqttTest.SubscribeAsync(c2, clean.Name)));
        Assert.True(Allowed(await MqttTest.PublishAsync(c2, stats.Name)));
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, await MqttTest.SubscribeAsync(c2, raw.Name));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await MqttTest.PublishAsync(c2, clean.Name));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await MqttTest.PublishAsync(c2, raw.Name));

        // A message job 1 writes reaches job 2: the pipeline works under least privilege.
        var got = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        c2.ApplicationMessageReceivedAsync += e => { got.TrySetResult(e.ApplicationMessage.ConvertPayloadToString()); return Task.CompletedTask; };
        Assert.Equal(MqttClientPublishReasonCode.Success, await MqttTest.PublishAsync(c1, clean.Name, "17"));
        Assert.Equal("17", await got.Task.WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.NotEqual(MqttClientConnectResultCode.Success, await MqttTest.TryConnectAsync(fx.Broker, job1.Username, "pw-job2-x"));
    }

    [Fact]
    public async Task Read_finds_a_changed_password_or_role_and_grant_restores_them()
    {
        var (src, sink) = (await TopicAsync(MqttTest.Unique("s") + "/in"), await TopicAsync(MqttTest.Unique("s") + "/out"));
        var job = new JobAccess(MqttTest.Unique("job"), "jx", [src.SubscribeRole!, sink.PublishRole!]);
        await _jobs.GrantAsync(Broker, job, "first-pw", CancellationToken.None);
        Assert.Empty((await _jobs.ReadAsync(Broker, job, "first-pw", CancellationToken.None))!.Drift);

        await fx.Dynsec.SetClientPasswordAsync(job.Username, "changed-by-hand");
        await fx.Dynsec.RemoveClientRoleAsync(job.Username, sink.PublishRole!);
        var drift = (await _jobs.ReadAsync(Broker, job, "first-pw", CancellationToken.None))!.Drift;
        Assert.Contains(drift, d => d.Contains("password"));
        Assert.Contains(drift, d => d.Contains(sink.PublishRole!));
        Assert.DoesNotContain(drift, d => d.Contains("first-pw") || d.Contains("changed-by-hand"));

        await _jobs.GrantAsync(Broker, job, "first-pw", CancellationToken.None);
        Assert.Empty((await _jobs.ReadAsync(Broker, job, "first-pw", CancellationToken.None))!.Drift);
    }

    [Fact]
    public async Task Grant_rotates_the_password_and_follows_new_sources()
    {
        var (a, b, sink) = (await TopicAsync(MqttTest.Unique("r") + "/a"), await TopicAsync(MqttTest.Unique("r") + "/b"), await TopicAsync(MqttTest.Unique("r") + "/o"));
        var job = new JobAccess(MqttTest.Unique("job"), "jr", [a.SubscribeRole!, sink.PublishRole!]);
        await _jobs.GrantAsync(Broker, job, "old-pw", CancellationToken.None);
        var moved = job with { Roles = [b.SubscribeRole!, sink.PublishRole!] };
        await _jobs.GrantAsync(Broker, moved, "new-pw", CancellationToken.None);

        Assert.NotEqual(MqttClientConnectResultCode.Success, await MqttTest.TryConnectAsync(fx.Broker, job.Username, "old-pw"));
        using var c = await MqttTest.ConnectAsync(fx.Broker, job.Username, "new-pw");
        Assert.True(MqttTest.Granted(await MqttTest.SubscribeAsync(c, b.Name)));
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, await MqttTest.SubscribeAsync(c, a.Name));
    }

    [Fact]
    public async Task Revoke_removes_the_client_before_its_roles_and_leaves_the_broker_running()
    {
        var (src, sink) = (await TopicAsync(MqttTest.Unique("d") + "/in"), await TopicAsync(MqttTest.Unique("d") + "/out"));
        var job = new JobAccess(MqttTest.Unique("job"), "jd", [src.SubscribeRole!, sink.PublishRole!]);
        await _jobs.GrantAsync(Broker, job, "pw", CancellationToken.None);

        await _jobs.RevokeAsync(Broker, job, CancellationToken.None);
        await _topics.DeleteTopicAsync(Broker, src, CancellationToken.None);
        await _topics.DeleteTopicAsync(Broker, sink, CancellationToken.None);

        Assert.Null(await fx.Dynsec.GetClientAsync(job.Username));
        Assert.Null(await fx.Dynsec.GetRoleAsync(src.SubscribeRole!));
        Assert.Null(await _jobs.ReadAsync(Broker, job, "pw", CancellationToken.None));
        await fx.Dynsec.PingAsync(); // the broker is still up and answering
        await _jobs.RevokeAsync(Broker, job, CancellationToken.None); // a second revoke is harmless
    }

    [Fact]
    public async Task A_client_of_another_job_is_neither_taken_over_nor_revoked()
    {
        var t = await TopicAsync(MqttTest.Unique("o") + "/x");
        var mine = new JobAccess(MqttTest.Unique("job"), "owner-a", [t.SubscribeRole!]);
        await _jobs.GrantAsync(Broker, mine, "pw-a", CancellationToken.None);
        var intruder = mine with { OwnerTag = "owner-b" };

        var e = await Assert.ThrowsAsync<Speck.Host.Resources.ProviderException>(() => _jobs.GrantAsync(Broker, intruder, "pw-b", CancellationToken.None));
        Assert.Contains("belongs to another job", e.Message);
        await _jobs.RevokeAsync(Broker, intruder, CancellationToken.None);
        Assert.NotNull(await fx.Dynsec.GetClientAsync(mine.Username));
    }

    [Fact]
    public async Task A_refused_admin_login_is_an_unavailable_broker_named_by_its_url_without_the_password()
    {
        var wrong = Broker with { AdminPassword = "Not-The-Admin-Pw" };
        var job = new JobAccess(MqttTest.Unique("job"), "jw", []);

        var e = await Assert.ThrowsAnyAsync<Speck.Host.Resources.ProviderException>(() => _jobs.GrantAsync(wrong, job, "pw", CancellationToken.None));

        Assert.Equal(Speck.Host.Resources.FailureKind.Unavailable, e.Kind);
        Assert.StartsWith($"MQTT broker at {fx.Broker.Url}: ", e.Message);
        Assert.DoesNotContain("Not-The-Admin-Pw", e.ToString());
    }

    private static bool Allowed(MqttClientPublishReasonCode code) =>
        code is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers;
}

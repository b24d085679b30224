using MQTTnet;
using Speck.Host.Resources;
using Speck.Host.Values;
using Speck.Provider;
using Speck.Provider.Brokers;
using Speck.Provider.Brokers.Mqtt;
using Speck.Provider.Brokers.Mqtt.Dynsec;
using Speck.Provider.Model;
using Speck.Testbed.Mosquitto;
using Speck.Tests.Provider.Brokers.Mqtt;
using static Speck.Tests.Provider.Resources.ResourceDriver;

namespace Speck.Tests.Provider.Resources.StreamJob;

/// <summary>
/// A Flink job whose topics are on a Mosquitto with dynamic security gets its own broker client: the login reaches
/// the job through its broker URL arguments, allows exactly its topics, stays a secret, rotates, and is revoked.
/// </summary>
public sealed class StreamJobLoginTests(DynsecBrokerFixture fx) : IClassFixture<DynsecBrokerFixture>
{
    private readonly MqttBinder _topics = new(new ConfigSource(), new DynsecConnectionPool());

    private async Task<(PropertyValue Value, TopicRecord Record)> TopicAsync(string name)
    {
        var broker = new BrokerEndpoint { Kind = BrokerKind.Mqtt, Url = fx.Broker.Url, AdminUsername = fx.Broker.AdminUser, AdminPassword = fx.Broker.AdminPassword };
        var r = await _topics.CreateTopicAsync(broker, new TopicRequest(name, MqttTest.Unique("owner")), CancellationToken.None);
        var value = Obj(("siteName", S("site0")), ("name", S(name)),
            ("broker", Obj(("kind", S("mqtt")), ("url", S(fx.Broker.Url)), ("adminUsername", S(fx.Broker.AdminUser!)),
                ("adminPassword", PropertyValue.MakeSecret(S(fx.Broker.AdminPassword!))))),
            ("publishRole", S(r.PublishRole!)), ("subscribeRole", S(r.SubscribeRole!)));
        return (value, r);
    }

    private static (string User, string Password) LoginOf(Deployed d)
    {
        var logins = d.Outputs["brokerLogins"];
        var login = Assert.Single(logins.Unwrapped.AsArray).Unwrapped.AsObject;
        Assert.True(logins.IsSecret || login["password"].IsSecret, "the password must stay a Pulumi secret");
        return (login["username"].Unwrapped.AsString, login["password"].Unwrapped.AsString);
    }

    [Fact]
    public async Task The_job_gets_its_own_login_that_reads_its_source_and_writes_its_sink_only()
    {
        await using var w = await FlinkSites.StartAsync();
        var prefix = MqttTest.Unique("lj");
        var (src, srcRec) = await TopicAsync($"{prefix}/in");
        var (sink, sinkRec) = await TopicAsync($"{prefix}/out");
        var (other, _) = await TopicAsync($"{prefix}/other");
        var d = await w.CreateAsync("filter", w.Job(extra: [("sources", PropertyValue.Of([src])), ("sink", sink)]));

        var (user, password) = LoginOf(d);
        var args = Assert.Single(w.Sites[0].Jobs).ProgramArgs;
        var withLogin = $"mqtt://{user}:{Uri.EscapeDataString(password)}@{fx.Broker.Url["mqtt://".Length..]}";
        Assert.Equal([withLogin, srcRec.Name, withLogin, sinkRec.Name], args);

        using var job = await MqttTest.ConnectAsync(fx.Broker, user, password);
        Assert.True(MqttTest.Granted(await MqttTest.SubscribeAsync(job, srcRec.Name)));
        Assert.Equal(MqttClientPublishReasonCode.NoMatchingSubscribers, await MqttTest.PublishAsync(job, sinkRec.Name));
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, await MqttTest.SubscribeAsync(job, sinkRec.Name));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await MqttTest.PublishAsync(job, srcRec.Name));
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, await MqttTest.SubscribeAsync(job, $"{prefix}/other"));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await MqttTest.PublishAsync(job, $"{prefix}/other"));
        Assert.DoesNotContain(w.Driver.Logs, l => l.Message.Contains(password));
        _ = other;
    }

    [Fact]
    public async Task Rotation_restarts_the_job_with_a_new_password_and_delete_revokes_the_login()
    {
        await using var w = await FlinkSites.StartAsync();
        var prefix = MqttTest.Unique("lr");
        var (src, _) = await TopicAsync($"{prefix}/in");
        var (sink, _) = await TopicAsync($"{prefix}/out");
        var inputs = w.Job(extra: [("sources", PropertyValue.Of([src])), ("sink", sink)]);
        var d = await w.CreateAsync("rot", inputs);
        var (user, first) = LoginOf(d);

        Assert.Empty(await w.DiffChanges(d, inputs));
        Assert.Contains("passwordRotation", await w.DiffChanges(d, inputs.With("passwordRotation", S("2026-11"))));
        var rotated = await w.UpdateAsync(d, inputs.With("passwordRotation", S("2026-11")));
        var (sameUser, second) = LoginOf(rotated);
        Assert.Equal(user, sameUser);
        Assert.NotEqual(first, second);
        Assert.NotEqual(d.JobId, rotated.JobId); // restarted with the new login in its arguments
        Assert.Contains(Uri.EscapeDataString(second), w.Sites[0].Jobs.Single(j => j.JobId == rotated.JobId).ProgramArgs[0]);
        Assert.NotEqual(MqttClientConnectResultCode.Success, await MqttTest.TryConnectAsync(fx.Broker, user, first));
        using (await MqttTest.ConnectAsync(fx.Broker, user, second)) { }

        await w.DeleteAsync(rotated);
        Assert.Null(await fx.Dynsec.GetClientAsync(user));
    }

    [Fact]
    public async Task Refresh_sees_a_login_changed_behind_pulumis_back_and_the_next_update_repairs_it_without_a_restart()
    {
        await using var w = await FlinkSites.StartAsync();
        var prefix = MqttTest.Unique("ld");
        var (src, _) = await TopicAsync($"{prefix}/in");
        var (sink, sinkRec) = await TopicAsync($"{prefix}/out");
        var inputs = w.Job(extra: [("sources", PropertyValue.Of([src])), ("sink", sink)]);
        var d = await w.CreateAsync("drift", inputs);
        var (user, password) = LoginOf(d);

        await fx.Dynsec.RemoveClientRoleAsync(user, sinkRec.PublishRole!);
        var read = await w.ReadAsync(d);
        Assert.False(read!.Outputs["loginsInSync"].AsBool);
        Assert.Contains(w.Driver.Logs, l => l.Message.Contains(sinkRec.PublishRole!));
        Assert.Contains("brokerLogins", await w.DiffChanges(read, inputs));

        var repaired = await w.UpdateAsync(read, inputs);
        Assert.Equal(d.JobId, repaired.JobId);
        Assert.True(repaired.Outputs["loginsInSync"].AsBool);
        Assert.Contains((await fx.Dynsec.GetClientAsync(user))!.Roles, r => r.RoleName == sinkRec.PublishRole);
        Assert.Equal(password, LoginOf(repaired).Password);
    }

    [Fact]
    public async Task A_create_that_fails_cleanly_leaves_no_login_behind()
    {
        await using var w = await FlinkSites.StartAsync();
        var prefix = MqttTest.Unique("lf");
        var (src, _) = await TopicAsync($"{prefix}/in");
        var (sink, _) = await TopicAsync($"{prefix}/out");
        w.Sites[0].Faults.FailNext("POST", "/jars/upload", 1);
        var before = (await fx.Dynsec.ListClientsAsync()).Count;

        await Assert.ThrowsAnyAsync<Exception>(() => w.CreateAsync("fails", w.Job(extra: [("sources", PropertyValue.Of([src])), ("sink", sink)])));
        Assert.Equal(before, (await fx.Dynsec.ListClientsAsync()).Count);
    }

    [Fact]
    public async Task A_jar_that_cannot_be_read_fails_the_create_before_any_login_is_made()
    {
        await using var w = await FlinkSites.StartAsync();
        var prefix = MqttTest.Unique("lu");
        var (src, _) = await TopicAsync($"{prefix}/in");
        var (sink, _) = await TopicAsync($"{prefix}/out");
        // The jar exists (Check passes) but cannot be read: another handle holds it exclusively (.NET takes an
        // advisory lock for FileShare.None on Unix, and the provider opens the jar with FileShare.Read).
        var jar = Path.Combine(Path.GetDirectoryName(w.Jar())!, $"{prefix.Replace('/', '-')}-locked.jar");
        File.Copy(w.Jar(), jar);
        var before = await DynsecWorldAsync();

        ProviderException failure;
        using (File.Open(jar, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            failure = await Assert.ThrowsAsync<ProviderException>(() => w.CreateAsync("unreadable", w.Job(extra: [("jarPath", S(jar)), ("sources", PropertyValue.Of([src])), ("sink", sink)])));

        // Nothing exists, and the failure says so (not an unknown outcome) and names the jar.
        Assert.Equal(FailureKind.PreconditionFailed, failure.Kind);
        Assert.Contains($"the job's jar '{jar}' cannot be read", failure.Message);

        Assert.Equal(before, await DynsecWorldAsync());
        Assert.Empty(w.Sites[0].Jobs);
    }

    /// <summary>The dynsec clients and roles on the broker, as mosquitto_ctrl lists them.</summary>
    private async Task<(int Clients, int Roles)> DynsecWorldAsync() => (
        (await MosquittoCtrl.DynsecAsync(fx.Broker, ["listClients"])).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length,
        (await MosquittoCtrl.ListRolesAsync(fx.Broker)).Count);
}

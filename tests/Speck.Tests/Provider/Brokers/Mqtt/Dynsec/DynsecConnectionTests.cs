using System.Text.RegularExpressions;
using Speck.Provider.Brokers.Mqtt;
using Speck.Provider.Brokers.Mqtt.Dynsec;
using Speck.Testbed.Mosquitto;

namespace Speck.Tests.Provider.Brokers.Mqtt.Dynsec;

public class DynsecConnectionTests(DynsecBrokerFixture fx) : IClassFixture<DynsecBrokerFixture>
{
    [Fact]
    public async Task Many_parallel_operations_share_one_connection_and_get_their_own_answers()
    {
        var before = await AdminClientIdsAsync();
        await using var pool = new DynsecConnectionPool();
        var prefix = MqttTest.Unique("par");
        var names = Enumerable.Range(0, 120).Select(i => $"{prefix}-{i}").ToList();

        // Cold pool: the first calls race to open the connection.
        var created = await Task.WhenAll(names.Select(n => Task.Run(() =>
            pool.For(fx.Admin).CreateRoleAsync(n, $"text {n}", [new(DynsecAclType.PublishClientSend, $"{n}/t")]))));
        Assert.All(created, r => Assert.Equal(DynsecUpsertResult.Created, r));

        var roles = await Task.WhenAll(names.Select(n => Task.Run(() => pool.For(fx.Admin).GetRoleAsync(n))));
        for (var i = 0; i < names.Count; i++)
        {
            Assert.Equal(names[i], roles[i]!.Name);
            Assert.Equal($"text {names[i]}", roles[i]!.TextName);
            Assert.Equal($"{names[i]}/t", Assert.Single(roles[i]!.Acls).Topic);
        }

        // Mixed reads, misses and writes interleaved on the same connection.
        var mixed = await Task.WhenAll(names.Select(async (n, i) => (i % 3) switch
        {
            0 => (await pool.For(fx.Admin).GetRoleAsync(n))?.Name,
            1 => (await pool.For(fx.Admin).GetRoleAsync(n + "-missing"))?.Name ?? "null",
            _ => (await pool.For(fx.Admin).DeleteRoleSafelyAsync(n)).Existed ? "deleted" : "absent",
        }));
        for (var i = 0; i < names.Count; i++)
        {
            Assert.Equal((i % 3) switch { 0 => names[i], 1 => "null", _ => "deleted" }, mixed[i]);
        }

        Assert.Equal(1, pool.Count);
        // 360 operations, one MQTT connection (the broker logs each CONNECT with its client id).
        Assert.Single((await AdminClientIdsAsync()).Except(before));
        await Task.WhenAll(names.Select(n => fx.Dynsec.DeleteRoleSafelyAsync(n)));
    }

    private async Task<HashSet<string>> AdminClientIdsAsync() =>
        Regex.Matches(await fx.Broker.ReadLogAsync(), @"New client connected from \S+ as (speck-dynsec-[0-9a-f]+)")
            .Select(m => m.Groups[1].Value).ToHashSet();

    [Fact]
    public async Task Two_admin_connections_do_not_take_each_others_answers()
    {
        // Both connections receive every response on the shared response topic; correlation keeps them apart.
        await using var a = new DynsecConnectionPool();
        await using var b = new DynsecConnectionPool();
        var prefix = MqttTest.Unique("two");
        await fx.Dynsec.CreateRoleAsync(prefix + "-a", "A", []);
        await fx.Dynsec.CreateRoleAsync(prefix + "-b", "B", []);
        var results = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => i % 2 == 0
            ? a.For(fx.Admin).GetRoleAsync(prefix + "-a")
            : b.For(fx.Admin).GetRoleAsync(prefix + "-b")));
        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(i % 2 == 0 ? "A" : "B", results[i]!.TextName);
        }
    }

    [Fact]
    public void Pool_is_keyed_by_endpoint_including_login()
    {
        var pool = new DynsecConnectionPool();
        pool.For(fx.Admin);
        pool.For(MqttUrl.Parse(fx.Broker.Url, new MqttCredentials(fx.Broker.AdminUser!, fx.Broker.AdminPassword!)));
        Assert.Equal(1, pool.Count);
        pool.For(fx.Admin.WithCredentials(fx.Broker.AdminUser!, "other"));
        Assert.Equal(2, pool.Count);
    }

    [Fact]
    public async Task Wrong_admin_password_is_a_connect_failure_without_the_password()
    {
        await using var pool = new DynsecConnectionPool();
        var e = await Assert.ThrowsAsync<DynsecException>(() =>
            pool.For(fx.Admin.WithCredentials(fx.Broker.AdminUser!, "Wr0ng-Secret")).GetRoleAsync("x"));
        Assert.Equal(DynsecErrorKind.ConnectFailed, e.ErrorKind);
        var inner = Assert.IsType<MqttConnectException>(e.InnerException);
        Assert.Equal(MqttConnectFailure.BadCredentials, inner.Failure);
        Assert.Equal(135, inner.ConnackReasonCode);
        Assert.Contains("CONNACK 135", e.Message);
        Assert.DoesNotContain("Wr0ng-Secret", e.ToString());
    }

    [Fact]
    public async Task Non_admin_login_is_told_it_lacks_the_admin_role()
    {
        var user = MqttTest.Unique("plain");
        await fx.Dynsec.CreateClientAsync(user, "pw");
        await using var pool = new DynsecConnectionPool();
        var e = await Assert.ThrowsAsync<DynsecException>(() => pool.For(fx.Admin.WithCredentials(user, "pw")).GetRoleAsync("x"));
        Assert.Equal(DynsecErrorKind.NotAuthorized, e.ErrorKind);
        Assert.Contains("dynsec admin role", e.Message);
    }

    [Fact]
    public async Task Broker_without_dynsec_times_out_with_a_clear_message()
    {
        // Without the plugin the broker accepts the control message (PUBACK 0) and nobody answers.
        await using var plain = await MosquittoBroker.StartAsync();
        await using var pool = new DynsecConnectionPool(new DynsecOptions { CommandTimeout = TimeSpan.FromMilliseconds(500) });
        var e = await Assert.ThrowsAsync<DynsecException>(() =>
            pool.For(MqttUrl.Parse(plain.Url, new MqttCredentials("any", "any"))).GetRoleAsync("r1"));
        Assert.Equal(DynsecErrorKind.Timeout, e.ErrorKind);
        Assert.Equal("getRole", e.Command);
        Assert.Contains("is the plugin loaded?", e.Message);
    }

    [Fact]
    public async Task Cancellation_is_honoured()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fx.Dynsec.GetRoleAsync("x", cts.Token));
    }

    [Fact]
    public async Task Stopped_broker_gives_a_clear_error_and_the_connection_recovers_after_restart()
    {
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Dynsec = true });
        await using var pool = new DynsecConnectionPool();
        var dynsec = pool.For(MqttTest.AdminEndpoint(broker));
        await dynsec.CreateRoleAsync("r1", null, []);

        await broker.StopAsync();
        var e = await Assert.ThrowsAsync<DynsecException>(() => dynsec.GetRoleAsync("r1"));
        Assert.Contains(e.ErrorKind, new[] { DynsecErrorKind.ConnectFailed, DynsecErrorKind.ConnectionLost });
        Assert.Contains(broker.Url, e.Message);

        await broker.RestartAsync();
        Assert.NotNull(await dynsec.GetRoleAsync("r1"));
        Assert.Equal(1, pool.Count);
    }
}

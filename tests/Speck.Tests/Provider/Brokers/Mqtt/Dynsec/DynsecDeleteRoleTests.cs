using MQTTnet;
using Speck.Provider.Brokers.Mqtt;
using Speck.Provider.Brokers.Mqtt.Dynsec;

namespace Speck.Tests.Provider.Brokers.Mqtt.Dynsec;

/// <summary>
/// deleteRole on a role a client still holds is a use-after-free in 2.0.11 that can crash the broker
/// (docs/mosquitto-dynsec.md §Deleting a role held by a client). DeleteRoleSafelyAsync must detach the role first.
/// </summary>
public class DynsecDeleteRoleTests(DynsecBrokerFixture fx) : IClassFixture<DynsecBrokerFixture>
{
    [Fact]
    public async Task Role_held_by_clients_and_a_group_is_detached_then_deleted()
    {
        var role = MqttTest.Unique("role");
        var other = MqttTest.Unique("keep");
        var c1 = MqttTest.Unique("c1");
        var c2 = MqttTest.Unique("c2");
        var bystander = MqttTest.Unique("c3");
        var group = MqttTest.Unique("grp");
        await fx.Dynsec.CreateRoleAsync(role, null, [new(DynsecAclType.PublishClientSend, $"{role}/t")]);
        await fx.Dynsec.CreateRoleAsync(other, null, []);
        await fx.Dynsec.CreateClientAsync(c1, "pw", roles: [new(role), new(other, 2)]);
        await fx.Dynsec.CreateClientAsync(c2, "pw", roles: [new(role, 5)]);
        await fx.Dynsec.CreateClientAsync(bystander, "pw", roles: [new(other)]);
        await fx.Dynsec.CreateGroupAsync(group, [new(role, 1)]);

        var deletion = await fx.Dynsec.DeleteRoleSafelyAsync(role);

        Assert.True(deletion.Existed);
        Assert.Equal(new[] { c1, c2 }.Order(StringComparer.Ordinal), deletion.RemovedFromClients);
        Assert.Equal([group], deletion.RemovedFromGroups);
        Assert.True(fx.Broker.IsRunning);
        Assert.Null(await fx.Dynsec.GetRoleAsync(role));

        // No dangling reference (2.0.11 showed garbage such as "$CONTROL" after an unsafe delete).
        Assert.Equal([new DynsecRoleRef(other, 2)], (await fx.Dynsec.GetClientAsync(c1))!.Roles);
        Assert.Empty((await fx.Dynsec.GetClientAsync(c2))!.Roles);
        Assert.Equal([new DynsecRoleRef(other)], (await fx.Dynsec.GetClientAsync(bystander))!.Roles);
        Assert.Empty((await fx.Dynsec.GetGroupAsync(group))!.Roles);
        Assert.NotNull(await fx.Dynsec.GetRoleAsync(other));

        // And the broker still serves new connections.
        Assert.Equal(MqttClientConnectResultCode.Success, await MqttTest.TryConnectAsync(fx.Broker, c1, "pw"));
    }

    [Fact]
    public async Task Role_held_by_a_connected_client_many_times_over_leaves_the_broker_running()
    {
        // The crash depended on heap state, so repeat the dangerous shape with live clients.
        for (var i = 0; i < 15; i++)
        {
            var role = MqttTest.Unique("r");
            var user = MqttTest.Unique("u");
            var topic = $"{role}/t";
            await fx.Dynsec.CreateRoleAsync(role, null, [new(DynsecAclType.PublishClientSend, topic)]);
            await fx.Dynsec.CreateClientAsync(user, "pw", roles: [new(role)]);
            using var live = await MqttTest.ConnectAsync(fx.Broker, user, "pw");
            Assert.Equal(MqttClientPublishReasonCode.NoMatchingSubscribers, await MqttTest.PublishAsync(live, topic));

            var deletion = await fx.Dynsec.DeleteRoleSafelyAsync(role);
            Assert.Equal([user], deletion.RemovedFromClients);

            var client = await fx.Dynsec.GetClientAsync(user);
            Assert.NotNull(client);
            Assert.Empty(client.Roles);
            Assert.True(await fx.Dynsec.DeleteClientAsync(user));
            Assert.True(fx.Broker.IsRunning, $"broker died in round {i}:\n{await fx.Broker.ReadLogAsync()}");
        }

        Assert.DoesNotContain(await fx.Dynsec.ListClientsAsync(), c => c.Roles.Any(r => r.RoleName.StartsWith('$')));
    }

    [Fact]
    public async Task Deleting_an_unknown_role_is_a_no_op()
    {
        var deletion = await fx.Dynsec.DeleteRoleSafelyAsync(MqttTest.Unique("never"));
        Assert.False(deletion.Existed);
        Assert.Empty(deletion.RemovedFromClients);
        Assert.Empty(deletion.RemovedFromGroups);
    }
}

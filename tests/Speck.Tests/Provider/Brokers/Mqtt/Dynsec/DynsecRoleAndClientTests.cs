using MQTTnet;
using Speck.Provider.Brokers.Mqtt;
using Speck.Provider.Brokers.Mqtt.Dynsec;

namespace Speck.Tests.Provider.Brokers.Mqtt.Dynsec;

public class DynsecRoleAndClientTests(DynsecBrokerFixture fx) : IClassFixture<DynsecBrokerFixture>
{
    private MosquittoDynsec Dynsec => fx.Dynsec;

    [Fact]
    public async Task Missing_role_is_null()
    {
        Assert.Null(await Dynsec.GetRoleAsync(MqttTest.Unique("nope")));
    }

    [Fact]
    public async Task Role_create_get_modify_delete()
    {
        var name = MqttTest.Unique("role");
        DynsecAcl[] acls =
        [
            new(DynsecAclType.PublishClientSend, "site1/raw", 5),
            new(DynsecAclType.SubscribePattern, "site1/status/#"),
            new(DynsecAclType.PublishClientReceive, "site1/status/secret", 9, Allow: false),
        ];

        Assert.Equal(DynsecUpsertResult.Created, await Dynsec.CreateRoleAsync(name, "Site 1", acls));
        var role = await Dynsec.GetRoleAsync(name);
        Assert.NotNull(role);
        Assert.Equal(name, role.Name);
        Assert.Equal("Site 1", role.TextName);
        Assert.True(role.HasSameAcls(acls));
        Assert.Contains(role.Acls, a => a is { Topic: "site1/status/secret", Allow: false, Priority: 9 });

        // Same again, in another order: nothing to do.
        Assert.Equal(DynsecUpsertResult.Unchanged, await Dynsec.CreateRoleAsync(name, "Site 1", acls.Reverse().ToList()));

        // Existing role with other settings is brought in line, not failed with "Role already exists".
        DynsecAcl[] changed = [new(DynsecAclType.PublishClientSend, "site1/raw", 1, Allow: true)];
        Assert.Equal(DynsecUpsertResult.Updated, await Dynsec.CreateRoleAsync(name, "Renamed", changed));
        role = await Dynsec.GetRoleAsync(name);
        Assert.Equal("Renamed", role!.TextName);
        Assert.Equal(changed, role.Acls);

        // modifyRole with acls replaces the list and keeps the text name.
        DynsecAcl[] replaced = [new(DynsecAclType.SubscribeLiteral, "site1/cmd"), new(DynsecAclType.UnsubscribePattern, "#")];
        await Dynsec.SetRoleAclsAsync(name, replaced);
        role = await Dynsec.GetRoleAsync(name);
        Assert.Equal("Renamed", role!.TextName);
        Assert.True(role.HasSameAcls(replaced));

        await Dynsec.SetRoleAclsAsync(name, []);
        Assert.Empty((await Dynsec.GetRoleAsync(name))!.Acls);

        var deletion = await Dynsec.DeleteRoleSafelyAsync(name);
        Assert.True(deletion.Existed);
        Assert.Empty(deletion.RemovedFromClients);
        Assert.Empty(deletion.RemovedFromGroups);
        Assert.Null(await Dynsec.GetRoleAsync(name));

        // Deleting what is gone is fine.
        Assert.False((await Dynsec.DeleteRoleSafelyAsync(name)).Existed);
    }

    [Fact]
    public async Task Role_without_text_name_compares_as_empty()
    {
        var name = MqttTest.Unique("role");
        Assert.Equal(DynsecUpsertResult.Created, await Dynsec.CreateRoleAsync(name, null, []));
        Assert.Equal(DynsecUpsertResult.Unchanged, await Dynsec.CreateRoleAsync(name, null, []));
        Assert.Equal(DynsecUpsertResult.Unchanged, await Dynsec.CreateRoleAsync(name, "", []));
    }

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("a/#/b", "only allowed as the last level")]
    [InlineData("a+", "'+' must fill a whole level")]
    [InlineData("$share/g/t", "shared subscription")]
    public async Task Bad_acl_topics_are_refused_before_reaching_the_broker(string topic, string expected)
    {
        var name = MqttTest.Unique("role");
        var e = await Assert.ThrowsAsync<ArgumentException>(() =>
            Dynsec.CreateRoleAsync(name, null, [new(DynsecAclType.SubscribePattern, topic)]));
        Assert.Contains(expected, e.Message);
        Assert.Null(await Dynsec.GetRoleAsync(name));
    }

    [Fact]
    public async Task Duplicate_acl_is_refused()
    {
        // 2.0.11 itself stores duplicates from modifyRole; then "allow" is ambiguous.
        var e = await Assert.ThrowsAsync<ArgumentException>(() => Dynsec.CreateRoleAsync(MqttTest.Unique("role"), null,
            [new(DynsecAclType.SubscribePattern, "a/#"), new(DynsecAclType.SubscribePattern, "a/#", Allow: false)]));
        Assert.Contains("appears twice", e.Message);
    }

    [Fact]
    public async Task Broker_errors_carry_command_subject_and_text()
    {
        var name = MqttTest.Unique("ghost");
        var e = await Assert.ThrowsAsync<DynsecException>(() => Dynsec.SetRoleAclsAsync(name, []));
        Assert.Equal(DynsecErrorKind.BrokerError, e.ErrorKind);
        Assert.Equal("modifyRole", e.Command);
        Assert.Equal(name, e.Subject);
        // modifyRole words it differently from getRole/deleteRole ("Role not found") on 2.0.11.
        Assert.Equal("Role does not exist", e.BrokerError);
        Assert.Equal(fx.Admin.Url, e.EndpointUrl);
        Assert.Contains($"modifyRole '{name}'", e.Message);
    }

    [Fact]
    public async Task Client_lifecycle_and_idempotent_role_assignment()
    {
        var user = MqttTest.Unique("dev");
        var role = MqttTest.Unique("role");
        await Dynsec.CreateRoleAsync(role, null, [new(DynsecAclType.PublishClientSend, $"{user}/out")]);

        Assert.True(await Dynsec.CreateClientAsync(user, "Pw-1", "Device"));
        Assert.False(await Dynsec.CreateClientAsync(user, "Pw-other"));
        var client = await Dynsec.GetClientAsync(user);
        Assert.NotNull(client);
        Assert.Equal("Device", client.TextName);
        Assert.Empty(client.Roles);
        Assert.Contains(await Dynsec.ListClientsAsync(), c => c.Username == user);

        // A duplicate addClientRole is "Internal error" on 2.0.11; here it is just false.
        Assert.True(await Dynsec.AddClientRoleAsync(user, role, 3));
        Assert.False(await Dynsec.AddClientRoleAsync(user, role, 3));
        Assert.Equal([new DynsecRoleRef(role, 3)], (await Dynsec.GetClientAsync(user))!.Roles);

        var missingRole = await Assert.ThrowsAsync<DynsecException>(() => Dynsec.AddClientRoleAsync(user, MqttTest.Unique("none")));
        Assert.Equal("Role not found", missingRole.BrokerError);

        await Dynsec.RemoveClientRoleAsync(user, role);
        await Dynsec.RemoveClientRoleAsync(user, role);
        Assert.Empty((await Dynsec.GetClientAsync(user))!.Roles);

        // The first password from createClient works; a duplicate create did not change it.
        Assert.Equal(MqttClientConnectResultCode.Success, await MqttTest.TryConnectAsync(fx.Broker, user, "Pw-1"));
        await Dynsec.SetClientPasswordAsync(user, "Pw-2");
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await MqttTest.TryConnectAsync(fx.Broker, user, "Pw-1"));
        Assert.Equal(MqttClientConnectResultCode.Success, await MqttTest.TryConnectAsync(fx.Broker, user, "Pw-2"));

        Assert.True(await Dynsec.DeleteClientAsync(user));
        Assert.False(await Dynsec.DeleteClientAsync(user));
        Assert.Null(await Dynsec.GetClientAsync(user));
        await Dynsec.DeleteRoleSafelyAsync(role);
    }

    [Fact]
    public async Task Client_can_be_created_with_roles()
    {
        var user = MqttTest.Unique("dev");
        var role = MqttTest.Unique("role");
        await Dynsec.CreateRoleAsync(role, null, []);
        Assert.True(await Dynsec.CreateClientAsync(user, "pw", roles: [new DynsecRoleRef(role)]));
        var client = await Dynsec.GetClientAsync(user);
        Assert.True(client!.HasRole(role));
        Assert.Equal(DynsecErrorKind.BrokerError, (await Assert.ThrowsAsync<DynsecException>(() =>
            Dynsec.AddClientRoleAsync(MqttTest.Unique("nobody"), role))).ErrorKind);
    }

    [Fact]
    public async Task Passwords_never_reach_exceptions_or_logs()
    {
        const string secret = "Sup3r-Secret-Pw";
        var user = MqttTest.Unique("ghost");
        var e = await Assert.ThrowsAsync<DynsecException>(() => Dynsec.SetClientPasswordAsync(user, secret));
        Assert.Equal("Client not found", e.BrokerError);
        Assert.DoesNotContain(secret, e.ToString());

        var created = MqttTest.Unique("dev");
        await Dynsec.CreateClientAsync(created, secret);
        await Dynsec.SetClientPasswordAsync(created, secret + "2");
        lock (fx.Log)
        {
            Assert.Contains(fx.Log, l => l.Contains($"setClientPassword '{created}' -> ok"));
            Assert.DoesNotContain(fx.Log, l => l.Contains(secret));
        }

        Assert.DoesNotContain(secret, (await fx.Broker.ReadLogAsync()).Replace("*****", ""));
        await Dynsec.DeleteClientAsync(created);
    }
}

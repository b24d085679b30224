using Speck.Host.Resources;
using Speck.Host.Values;
using Speck.Provider.Brokers.Mqtt;
using Speck.Provider.Brokers.Mqtt.Dynsec;
using Speck.Testbed.Mosquitto;
using Speck.Tests.Provider.Brokers.Mqtt;
using static Speck.Tests.Provider.Resources.ResourceDriver;

namespace Speck.Tests.Provider.Resources;

public class TopicOnMosquittoTests(DynsecBrokerFixture fx) : IClassFixture<DynsecBrokerFixture>
{
    private const string TopicType = "speck:index:Topic";
    private readonly ResourceDriver _driver = new();

    private PropertyValue Site(MosquittoBroker broker, bool admin = true) => Obj(
        ("siteName", S("edge1")), ("tier", S("edge")),
        ("spe", Obj(("kind", S("flink")), ("url", S("http://127.0.0.1:8081")))),
        ("broker", admin
            ? Obj(("kind", S("mqtt")), ("url", S(broker.Url)), ("adminUsername", S(broker.AdminUser!)),
                  ("adminPassword", PropertyValue.MakeSecret(S(broker.AdminPassword!))))
            : Obj(("kind", S("mqtt")), ("url", S(broker.Url)))));

    [Fact]
    public async Task Create_makes_a_publish_and_a_subscribe_role_that_the_broker_enforces()
    {
        var name = MqttTest.Unique("edge1/raw");
        var (_, created) = await _driver.CreateAsync(TopicType, "raw", Map(("site", Site(fx.Broker)), ("name", S(name))));

        Assert.Equal($"edge1/{name}", created.Id);
        var pub = await fx.Dynsec.GetRoleAsync(created.Outputs["publishRole"].AsString);
        var sub = await fx.Dynsec.GetRoleAsync(created.Outputs["subscribeRole"].AsString);
        Assert.Contains(pub!.Acls, a => a is { AclType: DynsecAclType.PublishClientSend, Allow: true } && a.Topic == name);
        Assert.Contains(sub!.Acls, a => a is { AclType: DynsecAclType.SubscribeLiteral, Allow: true } && a.Topic == name);
        // The admin password inside makes the wired strings secret as a whole (docs/wiring.md).
        Assert.True(created.Outputs["site"].IsSecret);
        Assert.True(created.Outputs["endpoint"].IsSecret);
        Assert.Equal(PropertyKind.String, created.Outputs["endpoint"].SecretValue.Kind);
        Assert.True(Unwired(created.Outputs["endpoint"])["broker"].AsObject.ContainsKey("adminPassword"));
    }

    [Fact]
    public async Task A_create_run_again_after_its_answer_was_lost_takes_over_its_roles_and_another_resource_is_refused()
    {
        var name = MqttTest.Unique("edge1/again");
        var inputs = Map(("site", Site(fx.Broker)), ("name", S(name)));
        var (_, first) = await _driver.CreateAsync(TopicType, "again", inputs);

        // The engine never heard of the first create; the next up creates the same resource again.
        var (_, again) = await _driver.CreateAsync(TopicType, "again", inputs);
        var other = await Assert.ThrowsAsync<ProviderException>(() => _driver.CreateAsync(TopicType, "intruder", inputs));

        Assert.Equal(first.Outputs["publishRole"].AsString, again.Outputs["publishRole"].AsString);
        Assert.Equal(first.Outputs["ownerTag"].AsString, again.Outputs["ownerTag"].AsString);
        Assert.Equal(FailureKind.PreconditionFailed, other.Kind);
        Assert.Contains("belongs to another resource", other.Message);
    }

    [Fact]
    public async Task Read_finds_roles_changed_or_deleted_behind_pulumis_back_and_update_restores_them()
    {
        var name = MqttTest.Unique("edge1/clean");
        var (inputs, created) = await _driver.CreateAsync(TopicType, "clean", Map(("site", Site(fx.Broker)), ("name", S(name))));
        var handler = _driver.Handler(TopicType);
        var ctx = _driver.Context(TopicType, "clean", created.Id);

        await fx.Dynsec.SetRoleAclsAsync(created.Outputs["publishRole"].AsString, [new(DynsecAclType.PublishClientSend, "elsewhere")]);
        var read = await handler.ReadAsync(ctx, created.Outputs, inputs);
        Assert.False(read!.Outputs["inSync"].AsBool);
        Assert.Contains(_driver.Logs, l => l.Level == MessageSeverity.Warning && l.Message.Contains("elsewhere") && l.Urn == ctx.Urn);

        var diff = await handler.DiffAsync(ctx, read.Outputs, read.Inputs, inputs, []);
        Assert.True(diff.HasChanges);
        Assert.Equal(DiffKind.Update, diff.Detailed["inSync"]);

        var updated = await handler.UpdateAsync(ctx, read.Outputs, read.Inputs, inputs);
        Assert.True(updated["inSync"].AsBool);
        var pub = await fx.Dynsec.GetRoleAsync(created.Outputs["publishRole"].AsString);
        Assert.Equal(name, Assert.Single(pub!.Acls).Topic);

        await fx.Dynsec.DeleteRoleSafelyAsync(created.Outputs["publishRole"].AsString);
        await fx.Dynsec.DeleteRoleSafelyAsync(created.Outputs["subscribeRole"].AsString);
        Assert.Null(await handler.ReadAsync(ctx, updated, inputs));
    }

    [Fact]
    public async Task Delete_takes_the_role_from_a_client_first_and_the_broker_survives()
    {
        var name = MqttTest.Unique("edge1/stats");
        var (inputs, created) = await _driver.CreateAsync(TopicType, "stats", Map(("site", Site(fx.Broker)), ("name", S(name))));
        var user = MqttTest.Unique("job");
        await fx.Dynsec.CreateClientAsync(user, "pw-" + user, roles: [new DynsecRoleRef(created.Outputs["publishRole"].AsString)]);

        var ctx = _driver.Context(TopicType, "stats", created.Id);
        await _driver.Handler(TopicType).DeleteAsync(ctx, created.Outputs, inputs);

        Assert.True(fx.Broker.IsRunning);
        Assert.Null(await fx.Dynsec.GetRoleAsync(created.Outputs["publishRole"].AsString));
        var client = await fx.Dynsec.GetClientAsync(user);
        Assert.Empty(client!.Roles);
        Assert.Contains(_driver.Logs, l => l.Message.Contains(user));
        await fx.Dynsec.PingAsync();
    }

    [Fact]
    public async Task A_second_resource_for_the_same_topic_is_refused_and_must_import_instead()
    {
        var name = MqttTest.Unique("edge1/shared");
        await _driver.CreateAsync(TopicType, "first", Map(("site", Site(fx.Broker)), ("name", S(name))));
        var e = await Assert.ThrowsAsync<ProviderException>(() =>
            new ResourceDriver().CreateAsync(TopicType, "second", Map(("site", Site(fx.Broker)), ("name", S(name)))));
        Assert.Equal(FailureKind.PreconditionFailed, e.Kind);
        Assert.Contains("import", e.Message);
    }

    [Fact]
    public async Task Check_refuses_names_mqtt_forbids_naming_the_property()
    {
        foreach (var bad in new[] { "a/#", "a/+/b", "$SYS/x", "", "nul\0here" })
        {
            var r = await _driver.Handler(TopicType).CheckAsync(_driver.Context(TopicType, "t"), PropertyMap.Empty,
                Map(("site", Site(fx.Broker)), ("name", S(bad))));
            Assert.Equal("name", Assert.Single(r.Failures).Property);
        }
    }

    [Fact]
    public async Task Without_dynamic_security_create_proves_the_broker_accepts_the_topic()
    {
        await using var anon = await MosquittoBroker.StartAsync();
        var (_, created) = await _driver.CreateAsync(TopicType, "plain", Map(("site", Site(anon, admin: false)), ("name", S("plain/topic"))));
        Assert.False(created.Outputs.ContainsKey("publishRole"));
        Assert.Contains("SUBSCRIBE", await anon.ReadLogAsync(), StringComparison.OrdinalIgnoreCase);
    }
}

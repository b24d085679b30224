using Speck.Host.Resources;
using Speck.Host.Values;
using Speck.Testbed.Mosquitto;
using Speck.Tests.Provider.Brokers.Mqtt;
using static Speck.Tests.Provider.Resources.ResourceDriver;

namespace Speck.Tests.Provider.Resources;

/// <summary>
/// `pulumi import` of a Topic: a fresh provider gets Configure, then Read with only the ID (no SpeSite Check before,
/// as the CLI runs no program), on a real Mosquitto with dynamic security whose admin login is in `speck:credentials`.
/// </summary>
public class TopicImportByIdTests(DynsecBrokerFixture fx) : IClassFixture<DynsecBrokerFixture>
{
    private const string TopicType = "speck:index:Topic";

    private static PropertyValue Site(MosquittoBroker broker, string? adminUser = null, string? adminPassword = null) => Obj(
        ("siteName", S("edge1")), ("tier", S("edge")),
        ("spe", Obj(("kind", S("flink")), ("url", S("http://127.0.0.1:8081")))),
        ("broker", Obj(("kind", S("mqtt")), ("url", S(broker.Url)), ("adminUsername", S(adminUser ?? broker.AdminUser!)),
            ("adminPassword", PropertyValue.MakeSecret(S(adminPassword ?? broker.AdminPassword!))))));

    private string ImportId(string topic) => $"edge1/{topic}?tier=edge&spe=flink:http://127.0.0.1:8081&broker={fx.Broker.Url}";

    /// <summary>A provider process that has seen nothing but its configuration.</summary>
    private async Task<ResourceDriver> FreshProviderAsync(bool withCredentials = true)
    {
        var driver = new ResourceDriver();
        var credentials = new System.Text.Json.Nodes.JsonObject
        {
            ["brokers"] = new System.Text.Json.Nodes.JsonObject
            {
                [fx.Broker.Url] = new System.Text.Json.Nodes.JsonObject { ["adminUsername"] = fx.Broker.AdminUser, ["adminPassword"] = fx.Broker.AdminPassword },
            },
        }.ToJsonString();
        await driver.Provider.ConfigureAsync(withCredentials ? Map(("credentials", PropertyValue.MakeSecret(S(credentials)))) : PropertyMap.Empty, CancellationToken.None);
        return driver;
    }

    [Fact]
    public async Task Read_with_only_the_id_finds_the_roles_and_returns_inputs_that_pass_check_and_match_the_program()
    {
        var name = MqttTest.Unique("edge1/imported");
        var owner = new ResourceDriver();
        var program = Map(("site", Site(fx.Broker)), ("name", S(name)));
        var (_, created) = await owner.CreateAsync(TopicType, "raw", program);
        var adopter = await FreshProviderAsync();
        var handler = adopter.Handler(TopicType);

        var imported = await handler.ReadAsync(adopter.Context(TopicType, "raw", ImportId(name)), PropertyMap.Empty, PropertyMap.Empty);

        Assert.NotNull(imported);
        Assert.Equal(created.Outputs["publishRole"], imported.Outputs["publishRole"]);
        Assert.Equal(created.Outputs["subscribeRole"], imported.Outputs["subscribeRole"]);
        Assert.Equal(created.Outputs["ownerTag"], imported.Outputs["ownerTag"]);
        Assert.True(imported.Outputs["inSync"].AsBool);
        // The inputs say where the topic is and hold no credential: the code `pulumi import` writes from them has none.
        var broker = Unwired(imported.Inputs["site"])["broker"].AsObject;
        Assert.Equal(fx.Broker.Url, broker["url"].AsString);
        Assert.False(broker.ContainsKey("adminPassword"));
        Assert.False(imported.Inputs.AsValue().ContainsSecrets);
        Assert.False(Unwired(imported.Outputs["endpoint"])["broker"].AsObject.ContainsKey("adminPassword"));

        // As the CLI does after an import (olds = news = Read's inputs), and as the generated program would (no olds).
        var asImported = await handler.CheckAsync(adopter.Context(TopicType, "raw"), imported.Inputs, imported.Inputs);
        Assert.Empty(asImported.Failures);
        var generated = await handler.CheckAsync(adopter.Context(TopicType, "raw"), PropertyMap.Empty, imported.Inputs);
        Assert.Empty(generated.Failures);

        // The program that declares the site with the same admin login: no change (the `import:` option's Diff).
        var declared = await adopter.CheckAsync(TopicType, "raw", program);
        var diff = await handler.DiffAsync(adopter.Context(TopicType, "raw", imported.Id), imported.Outputs, imported.Inputs, declared, []);
        Assert.False(diff.HasChanges, string.Join(", ", diff.Detailed.Keys));
        // Another admin login in the program is a change.
        var other = program.With("site", Site(fx.Broker, "someone-else", "another-password"));
        var changed = await handler.DiffAsync(adopter.Context(TopicType, "raw", imported.Id), imported.Outputs, imported.Inputs, await adopter.CheckAsync(TopicType, "raw", other), []);
        // The imported `site` is the wired string, so the change is named at it (docs/wiring.md: keys inside fold).
        Assert.Equal(["site"], changed.Detailed.Keys);

        // The adopter owns the topic now: its delete, with the credentials from its configuration, removes the roles.
        await handler.DeleteAsync(adopter.Context(TopicType, "raw", imported.Id), imported.Outputs, imported.Inputs);
        Assert.Null(await fx.Dynsec.GetRoleAsync(created.Outputs["publishRole"].AsString));
    }

    [Fact]
    public async Task An_id_without_the_site_is_refused_with_the_form_to_use()
    {
        var adopter = await FreshProviderAsync();

        var e = await Assert.ThrowsAsync<ProviderException>(() =>
            adopter.Handler(TopicType).ReadAsync(adopter.Context(TopicType, "t", "edge1/raw"), PropertyMap.Empty, PropertyMap.Empty));

        Assert.Equal(FailureKind.InvalidInput, e.Kind);
        Assert.Contains("?tier=", e.Message);
        Assert.Contains("credentials", e.Message);
    }

    [Fact]
    public async Task A_site_imported_by_id_is_probed_with_the_configured_credentials_and_its_connection_serves_topics()
    {
        await using var flink = new Speck.FlinkStandIn.FlinkStandIn();
        await flink.StartAsync();
        var adopter = await FreshProviderAsync();
        var sites = adopter.Handler("speck:index:SpeSite");

        var imported = await sites.ReadAsync(adopter.Context("speck:index:SpeSite", "edge1",
            $"edge1?tier=edge&spe=flink:{flink.BaseUrl}&broker={fx.Broker.Url}"), PropertyMap.Empty, PropertyMap.Empty);

        Assert.NotNull(imported);
        Assert.True(imported.Outputs["speReachable"].AsBool);
        Assert.True(imported.Outputs["brokerReachable"].AsBool);
        // Access control is only seen with the admin login, which came from the configuration.
        Assert.True(imported.Outputs["accessControl"].AsBool);
        Assert.False(imported.Inputs.AsValue().ContainsSecrets);
        Assert.Empty((await sites.CheckAsync(adopter.Context("speck:index:SpeSite", "edge1"), imported.Inputs, imported.Inputs)).Failures);

        // Its connection (as a StackReference would hand it over: no credentials) is enough for a topic's roles.
        var name = MqttTest.Unique("edge1/via-import");
        var (_, topic) = await adopter.CreateAsync(TopicType, "t", Map(("site", imported.Outputs["connection"]), ("name", S(name))));
        Assert.NotNull(await fx.Dynsec.GetRoleAsync(topic.Outputs["publishRole"].AsString));
        await adopter.Handler(TopicType).DeleteAsync(adopter.Context(TopicType, "t", topic.Id), topic.Outputs, PropertyMap.Empty);
        Assert.Null(await fx.Dynsec.GetRoleAsync(topic.Outputs["publishRole"].AsString));
    }
}

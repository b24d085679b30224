using Grpc.Core;
using Pulumirpc;
using Speck.Host;
using Speck.Host.Grpc;
using Speck.Host.Resources;
using Speck.Host.Schema;
using Speck.Host.Values;
using Speck.Provider;

namespace Speck.Tests.Host;

/// <summary>
/// Credentials from the provider's configuration are used by calls whose requests do not hold them (an imported site
/// has none in its inputs): the host scrubs them from every call's error and log texts all the same.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ConfigurationSecretTests
{
    private const string AdminPassword = "configured-admin-pw-41c2";

    private sealed class Echo(TypeContracts contracts) : CustomResource<ThingArgs, ThingState>("test:index:Thing", "A thing.", contracts)
    {
        protected override Task<(string Id, ThingState State)> CreateAsync(ThingArgs args, ResourceContext ctx) =>
            throw ProviderException.Precondition($"the broker said: bad password '{AdminPassword}'");
        protected override Task<(ThingArgs Inputs, ThingState State)?> ReadAsync(string id, ThingArgs? i, ThingState? s, ResourceContext ctx) => throw new NotSupportedException();
        protected override Task<ThingState> UpdateAsync(string id, ThingState olds, ThingArgs news, ResourceContext ctx) => throw new NotSupportedException();
        protected override Task DeleteAsync(string id, ThingState olds, ResourceContext ctx) => throw new NotSupportedException();
    }

    private sealed class TestProvider(IEnumerable<string> secrets) : ProviderDefinition
    {
        private readonly TypeContracts _contracts = TestContracts.Create();
        public override PackageInfo Package { get; } = new("test", "0.0.1", "Test", "Test.", [], "", "", "Apache-2.0", "test");
        public override TypeContracts Contracts => _contracts;
        public override ObjectShape ConfigShape => Contracts.Shapes.Object(typeof(ThingArgs), "pulumi:providers:test");
        public override IReadOnlyList<IResourceHandler> Resources => [new Echo(Contracts)];
        public override IEnumerable<string> ConfigurationSecrets => secrets;
        public override Task ConfigureAsync(PropertyMap config, CancellationToken ct) => Task.CompletedTask;
    }

    [Fact]
    public async Task A_configured_secret_never_leaves_in_a_calls_error()
    {
        using var log = new EngineLog();
        var service = new ResourceProviderService(new TestProvider([AdminPassword]), log, new ProviderLifetime());
        var request = new CreateRequest
        {
            Urn = "urn:pulumi:dev::p::test:index:Thing::t", Type = "test:index:Thing", Name = "t",
            Properties = StructCodec.Encode(new PropertyMap([
                KeyValuePair.Create("name", PropertyValue.Of("t")),
                KeyValuePair.Create("endpoint", PropertyValue.Of([KeyValuePair.Create("url", PropertyValue.Of("http://x"))])),
            ])),
        };

        var e = await Assert.ThrowsAsync<RpcException>(() => service.Create(request, new TestCallContext()));

        Assert.DoesNotContain(AdminPassword, e.Status.Detail);
        Assert.Contains("[secret]", e.Status.Detail);
    }

    [Fact]
    public async Task The_speck_provider_names_its_configured_credentials_as_secrets()
    {
        var provider = SpeckFactory.Create();
        Assert.DoesNotContain(AdminPassword, provider.ConfigurationSecrets);

        await provider.ConfigureAsync(new PropertyMap([KeyValuePair.Create("credentials", PropertyValue.MakeSecret(PropertyValue.Of(
            "{\"brokers\": {\"mqtt://h:1883\": {\"adminUsername\": \"admin\", \"adminPassword\": \"" + AdminPassword + "\"}}}")))]), CancellationToken.None);

        Assert.Contains(AdminPassword, provider.ConfigurationSecrets);
    }
}

using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Pulumirpc;
using Speck.Host;
using Speck.Host.Grpc;
using Speck.Host.Resources;
using Speck.Host.Schema;
using Speck.Host.Values;

namespace Speck.Tests.Host;

/// <summary>
/// A failure of Create, Update or Delete names where the resource lives (the resource's Place, e.g. its site), so a
/// user whose destroy fails with a site down reads which site (issue 11's fault suite found deletes that did not).
/// </summary>
public sealed class PlaceInFailuresTests
{
    private const string Urn = "urn:pulumi:dev::p::test:index:Thing::t";

    /// <summary>Every operation fails as a binder does when its engine is down; its place is "site '&lt;name&gt;'".</summary>
    private sealed class DownThing(TypeContracts contracts, string message) : CustomResource<ThingArgs, ThingState>("test:index:Thing", "A thing.", contracts)
    {
        protected override string? Place(ThingArgs args) => $"site '{args.Name}'";
        protected override Task<(string Id, ThingState State)> CreateAsync(ThingArgs args, ResourceContext ctx) => throw ProviderException.Unavailable(message);
        protected override Task<(ThingArgs Inputs, ThingState State)?> ReadAsync(string id, ThingArgs? i, ThingState? s, ResourceContext ctx) => throw ProviderException.Unavailable(message);
        protected override Task<ThingState> UpdateAsync(string id, ThingState olds, ThingArgs news, ResourceContext ctx) => throw ProviderException.Unavailable(message);
        protected override Task DeleteAsync(string id, ThingState olds, ResourceContext ctx) => throw ProviderException.Unavailable(message);
    }

    private sealed class TestProvider : ProviderDefinition
    {
        public TestProvider(string message)
        {
            Contracts = TestContracts.Create();
            Resources = [new DownThing(Contracts, message)];
            ConfigShape = Contracts.Shapes.Object(typeof(TestConfig), "pulumi:providers:test");
        }

        public override PackageInfo Package { get; } = new("test", "0.0.1", "Test", "Test.", [], "", "", "Apache-2.0", "test");
        public override TypeContracts Contracts { get; }
        public override ObjectShape ConfigShape { get; }
        public override IReadOnlyList<IResourceHandler> Resources { get; }
        public override Task ConfigureAsync(PropertyMap config, CancellationToken ct) => Task.CompletedTask;
    }

    private static ResourceProviderService Service(string message) => new(new TestProvider(message), new EngineLog(), new ProviderLifetime());

    private static Struct Props(bool state = false)
    {
        var s = Struct.Parser.ParseJson("""{"name":"edge","endpoint":{"url":"http://x"}}""");
        if (state) s.Fields["computed"] = Value.ForString("HTTP://X");
        return s;
    }

    [Fact]
    public async Task Create_update_and_delete_failures_name_the_site_in_front_with_the_code_kept()
    {
        var service = Service("Node-RED at http://x is unreachable");
        var calls = new Func<ServerCallContext, Task>[]
        {
            c => service.Create(new CreateRequest { Urn = Urn, Properties = Props() }, c),
            c => service.Update(new UpdateRequest { Urn = Urn, Id = "t", Olds = Props(true), OldInputs = Props(), News = Props() }, c),
            c => service.Delete(new DeleteRequest { Urn = Urn, Id = "t", Properties = Props(true), OldInputs = Props() }, c),
        };
        foreach (var call in calls)
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => call(new TestCallContext()));
            Assert.Equal(StatusCode.Unavailable, e.StatusCode);
            Assert.Equal("site 'edge': Node-RED at http://x is unreachable", e.Status.Detail);
        }
    }

    [Fact]
    public async Task A_failure_that_names_the_site_already_is_left_as_it_is()
    {
        var service = Service("site 'edge': broker refused");
        var e = await Assert.ThrowsAsync<RpcException>(() => service.Create(new CreateRequest { Urn = Urn, Properties = Props() }, new TestCallContext()));
        Assert.Equal("site 'edge': broker refused", e.Status.Detail);
    }
}

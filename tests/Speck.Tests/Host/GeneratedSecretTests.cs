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
/// A secret the resource makes while serving a call (a generated password) is not in the request, so the host learns
/// it from the resource: neither the error the engine reads nor the log carries it.
/// </summary>
[Trait("Category", "Unit")]
public sealed class GeneratedSecretTests
{
    private const string Password = "generated-pw-7f3a9c";

    private sealed class LeakyThing(TypeContracts contracts) : CustomResource<ThingArgs, ThingState>("test:index:Thing", "A thing.", contracts)
    {
        protected override async Task<(string Id, ThingState State)> CreateAsync(ThingArgs args, ResourceContext ctx)
        {
            ctx.KeepSecret(Password);
            await ctx.WarnAsync($"connecting with mqtt://job:{Password}@broker");
            throw ProviderException.Precondition($"the engine refused the job: bad argument 'mqtt://job:{Password}@broker'");
        }

        protected override Task<(ThingArgs Inputs, ThingState State)?> ReadAsync(string id, ThingArgs? i, ThingState? s, ResourceContext ctx) => throw new NotSupportedException();
        protected override Task<ThingState> UpdateAsync(string id, ThingState olds, ThingArgs news, ResourceContext ctx) => throw new NotSupportedException();
        protected override Task DeleteAsync(string id, ThingState olds, ResourceContext ctx) => throw new NotSupportedException();
    }

    private sealed class TestProvider : ProviderDefinition
    {
        public TestProvider()
        {
            Contracts = TestContracts.Create();
            Resources = [new LeakyThing(Contracts)];
        }

        public override PackageInfo Package { get; } = new("test", "0.0.1", "Test", "Test.", [], "", "", "Apache-2.0", "test");
        public override TypeContracts Contracts { get; }
        public override ObjectShape ConfigShape => Contracts.Shapes.Object(typeof(ThingArgs), "pulumi:providers:test");
        public override IReadOnlyList<IResourceHandler> Resources { get; }
        public override Task ConfigureAsync(PropertyMap config, CancellationToken ct) => Task.CompletedTask;
    }

    [Fact]
    public async Task A_secret_made_during_create_never_leaves_in_the_error_or_the_log()
    {
        var stderr = new StringWriter();
        var original = Console.Error;
        Console.SetError(stderr); // without an engine address the host logs to stderr
        try
        {
            using var log = new EngineLog();
            var service = new ResourceProviderService(new TestProvider(), log, new ProviderLifetime());
            var request = new CreateRequest
            {
                Urn = "urn:pulumi:dev::p::test:index:Thing::t", Type = "test:index:Thing", Name = "t",
                Properties = StructCodec.Encode(new PropertyMap([
                    KeyValuePair.Create("name", PropertyValue.Of("t")),
                    KeyValuePair.Create("endpoint", PropertyValue.Of([KeyValuePair.Create("url", PropertyValue.Of("http://x"))])),
                ])),
            };

            var e = await Assert.ThrowsAsync<RpcException>(() => service.Create(request, new TestCallContext()));
            Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
            Assert.DoesNotContain(Password, e.Status.Detail);
            Assert.Contains("[secret]", e.Status.Detail);
            Assert.Contains("connecting with", stderr.ToString());
            Assert.DoesNotContain(Password, stderr.ToString());
        }
        finally
        {
            Console.SetError(original);
        }
    }
}

using Google.Protobuf.WellKnownTypes;
using Pulumirpc;
using Speck.Host.Grpc;
using Speck.Provider;
using Speck.Tests.Host;

namespace Speck.Tests.Provider.Pipeline;

/// <summary>
/// What a Pipeline's Construct registers at the monitor, against a monitor that records it: the component gets the
/// options the request carries, as an SDK's construct rebuilds them (sdk/nodejs/provider/server.ts:399-453,
/// sdk/go/pulumi/provider.go:174-206 (pulumi v3.259.0)); each child gets what a child inherits from its parent and
/// nothing else (protect, and the provider for its package: sdk/nodejs/resource.ts:498-536); the answer names the
/// children each output came from (stateDependencies, server.ts:464-475).
/// </summary>
[Trait("Category", "Unit")]
public sealed class PipelineConstructOptionsTests : IAsyncLifetime
{
    private const string Before = "urn:pulumi:s::p::speck:index:SpeSite::before";
    private const string Anchor = "urn:pulumi:s::p::speck:index:SpeSite::anchor";
    private const string Group = "urn:pulumi:s::p::my:index:Group::group";
    private const string SpeckProvider = "urn:pulumi:s::p::pulumi:providers:speck::mine::4b4a6f2c";
    private const string OtherProvider = "urn:pulumi:s::p::pulumi:providers:kubernetes::k8s::9d1e";

    private readonly ResourceProviderService _service = new(SpeckFactory.Create(), new EngineLog(), new ProviderLifetime());
    private RecordingMonitor _monitor = null!;

    public async Task InitializeAsync() => _monitor = await RecordingMonitor.StartAsync();
    public async Task DisposeAsync() => await _monitor.DisposeAsync();

    private const string Job = PipelineConstructTests.Job;

    /// <summary>A preview's Construct of two jobs (X: a → b, Y: b → c) on one site, so children's outputs are unknown, not needed.</summary>
    private ConstructRequest Request() => new()
    {
        Project = "p", Stack = "s", Type = "speck:index:Pipeline", Name = "pipeline", MonitorEndpoint = _monitor.Address, DryRun = true,
        Parent = Group,
        Inputs = new Struct
        {
            Fields =
            {
                ["document"] = Value.ForString("jobs:\n" + string.Format(Job, "X", "a", "b") + string.Format(Job, "Y", "b", "c")),
                ["jars"] = Value.ForStruct(new Struct { Fields = { ["/j.jar"] = Value.ForString("/tmp/j.jar") } }),
            },
        },
    };

    private RegisterResourceRequest Component => Assert.Single(_monitor.Registrations, r => !r.Custom);
    private List<RegisterResourceRequest> Children => _monitor.Registrations.Where(r => r.Custom).ToList();

    [Fact]
    public async Task The_component_gets_the_requests_options_and_its_children_only_protect_and_their_packages_provider()
    {
        var request = Request();
        request.Protect = true;
        request.Providers["speck"] = SpeckProvider;
        request.Providers["kubernetes"] = OtherProvider;
        request.RetainOnDelete = true;
        request.DeletedWith = Anchor;
        request.CustomTimeouts = new ConstructRequest.Types.CustomTimeouts { Create = "5m", Delete = "1m30s" };
        request.Dependencies.Add(Before);
        request.IgnoreChanges.Add("document");
        request.ReplaceOnChanges.Add("jars");
        request.DeleteBeforeReplace = true;
        request.AdditionalSecretOutputs.Add("jobs");

        var response = await _service.Construct(request, new TestCallContext());

        var component = Component;
        Assert.Equal(("speck:index:Pipeline", "pipeline", Group), (component.Type, component.Name, component.Parent));
        Assert.True(component is { HasProtect: true, Protect: true });
        Assert.Equal(new Dictionary<string, string> { ["speck"] = SpeckProvider, ["kubernetes"] = OtherProvider }, component.Providers.ToDictionary());
        Assert.True(component is { HasRetainOnDelete: true, RetainOnDelete: true });
        Assert.Equal(Anchor, component.DeletedWith);
        Assert.Equal(("5m", "", "1m30s", ""), (component.CustomTimeouts.Create, component.CustomTimeouts.Update, component.CustomTimeouts.Delete, component.CustomTimeouts.Read));
        Assert.Equal([Before], component.Dependencies);
        Assert.Equal(["document"], component.IgnoreChanges);
        Assert.Equal(["jars"], component.ReplaceOnChanges);
        Assert.True(component is { DeleteBeforeReplace: true, DeleteBeforeReplaceDefined: true });
        Assert.Equal(["jobs"], component.AdditionalSecretOutputs);
        Assert.Equal("", component.Provider);

        // One site, three topics, two jobs: each protected, on the speck provider, parented to the component, and
        // none of the component's other options.
        var componentUrn = RecordingMonitor.UrnOf(component.Type, component.Name, component.Parent);
        Assert.Equal(6, Children.Count);
        Assert.All(Children, child =>
        {
            Assert.Equal(componentUrn, child.Parent);
            Assert.True(child is { HasProtect: true, Protect: true }, $"{child.Name}: protect");
            Assert.Equal(SpeckProvider, child.Provider);
            Assert.Empty(child.Providers);
            Assert.False(child.HasRetainOnDelete, $"{child.Name}: retainOnDelete");
            Assert.Equal("", child.DeletedWith);
            Assert.Null(child.CustomTimeouts);
            Assert.DoesNotContain(Before, child.Dependencies);
            Assert.Empty(child.IgnoreChanges);
            Assert.Empty(child.ReplaceOnChanges);
            Assert.False(child.DeleteBeforeReplaceDefined);
            Assert.Empty(child.AdditionalSecretOutputs);
        });

        // The outputs name the children they came from.
        string[] Urns(string type) => Children.Where(c => c.Type == type).Select(c => RecordingMonitor.UrnOf(c.Type, c.Name, c.Parent)).Order().ToArray();
        string[] Deps(string key) => response.StateDependencies[key].Urns.Order().ToArray();
        Assert.Equal(componentUrn, response.Urn);
        Assert.Equal(2, Urns("speck:index:StreamJob").Length);
        Assert.Equal(Urns("speck:index:StreamJob"), Deps("jobs"));
        Assert.Equal(Urns("speck:index:Topic"), Deps("topics"));
        Assert.Equal(Urns("speck:index:SpeSite"), Deps("sites"));
        Assert.Equal(componentUrn, Assert.Single(_monitor.Outputs).Urn);
    }

    [Fact]
    public async Task Options_the_request_leaves_unset_stay_unset_and_a_provider_of_another_package_is_not_the_childrens()
    {
        var request = Request();
        request.Providers["kubernetes"] = OtherProvider;

        await _service.Construct(request, new TestCallContext());

        var component = Component;
        Assert.False(component.HasProtect);
        Assert.False(component.HasRetainOnDelete);
        Assert.Null(component.CustomTimeouts);
        Assert.False(component.DeleteBeforeReplaceDefined);
        Assert.Equal(new Dictionary<string, string> { ["kubernetes"] = OtherProvider }, component.Providers.ToDictionary());
        Assert.Equal(6, Children.Count);
        Assert.All(Children, child =>
        {
            Assert.False(child.HasProtect, $"{child.Name}: protect");
            Assert.Equal("", child.Provider);
        });
    }
}

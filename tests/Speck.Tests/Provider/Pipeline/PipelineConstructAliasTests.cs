using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Pulumirpc;
using Speck.Host.Grpc;
using Speck.Provider;
using Speck.Tests.Host;

namespace Speck.Tests.Provider.Pipeline;

/// <summary>
/// What Construct sends the resource monitor for a component given aliases (docs/pulumi-engine.md §Aliases): the
/// component's aliases as URNs, and each child the alias a Node.js SDK child inherits (its name's component prefix
/// swapped for the old name, under the component's old URN). A monitor here records the registrations and answers
/// as a preview does (no outputs).
/// </summary>
[Trait("Category", "Unit")]
public sealed class PipelineConstructAliasTests : IAsyncLifetime
{
    private readonly ResourceProviderService _service = new(SpeckFactory.Create(), new EngineLog(), new ProviderLifetime());
    private RecordingMonitor _monitor = null!;

    public async Task InitializeAsync() => _monitor = await RecordingMonitor.StartAsync();
    public async Task DisposeAsync() => await _monitor.DisposeAsync();

    private const string Stack = "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s";

    private ConstructRequest Request(params Alias[] aliases)
    {
        var request = new ConstructRequest
        {
            Project = "p", Stack = "s", Type = "speck:index:Pipeline", Name = "traffic", Parent = Stack, MonitorEndpoint = _monitor.Address, DryRun = true,
            Inputs = new Struct
            {
                Fields =
                {
                    ["document"] = Value.ForString("jobs:\n- { job_name: X, spe_address: 'http://10.0.0.1:8081/', source_broker: 'tcp://10.0.0.1:1883', " +
                        "sink_broker: 'tcp://10.0.0.1:1883', source_topic: a, sink_topic: b, entry_class: a.B, job_path: /j.jar }\n"),
                    ["jars"] = Value.ForStruct(new Struct { Fields = { ["/j.jar"] = Value.ForString("/tmp/j.jar") } }),
                },
            },
        };
        request.Aliases.AddRange(aliases);
        return request;
    }

    private IReadOnlyList<string> AliasesOf(string name) => _monitor.Registrations.Single(r => r.Name == name).AliasURNs.ToList();

    [Fact]
    public async Task The_component_and_each_child_are_registered_with_the_aliases_a_Node_SDK_child_inherits()
    {
        await _service.Construct(Request(new Alias { Spec = new Alias.Types.Spec { Name = "pipeline" } }, new Alias { Urn = "urn:pulumi:s::p::speck:index:Pipeline::older" }),
            new TestCallContext());

        // Under the root stack, an alias with the current parent is a top-level URN.
        Assert.Equal(["urn:pulumi:s::p::speck:index:Pipeline::pipeline", "urn:pulumi:s::p::speck:index:Pipeline::older"], AliasesOf("traffic"));
        const string Under = "urn:pulumi:s::p::speck:index:Pipeline$speck:index:";
        Assert.Equal([$"{Under}StreamJob::pipeline-X", $"{Under}StreamJob::older-X"], AliasesOf("traffic-X"));
        Assert.Equal([$"{Under}SpeSite::pipeline-10.0.0.1", $"{Under}SpeSite::older-10.0.0.1"], AliasesOf("traffic-10.0.0.1"));
        Assert.Equal([$"{Under}Topic::pipeline-a@10.0.0.1:1883", $"{Under}Topic::older-a@10.0.0.1:1883"], AliasesOf("traffic-a@10.0.0.1:1883"));
    }

    [Fact]
    public async Task Without_aliases_nothing_is_sent_and_an_alias_that_is_not_a_URN_is_refused_before_anything_is_registered()
    {
        await _service.Construct(Request(), new TestCallContext());
        Assert.All(_monitor.Registrations, r => Assert.Empty(r.AliasURNs));
        var count = _monitor.Registrations.Count;

        var e = await Assert.ThrowsAsync<RpcException>(() => _service.Construct(Request(new Alias { Urn = "pipeline" }), new TestCallContext()));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("aliases: 'pipeline' is not a URN", e.Status.Detail);
        Assert.Equal(count, _monitor.Registrations.Count);
    }
}

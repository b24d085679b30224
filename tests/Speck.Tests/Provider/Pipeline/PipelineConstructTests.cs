using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Pulumirpc;
using Speck.Host.Grpc;
using Speck.Provider;
using Speck.Tests.Host;

namespace Speck.Tests.Provider.Pipeline;

/// <summary>
/// Construct's refusals, answered before the monitor is ever called (its endpoint here is a port nobody listens on,
/// so a registration would fail Unavailable): the inputs are checked first, and what is wrong is named.
/// </summary>
[Trait("Category", "Unit")]
public sealed class PipelineConstructTests
{
    private readonly ResourceProviderService _service = new(SpeckFactory.Create(), new EngineLog(), new ProviderLifetime());

    private static ConstructRequest Request(string document, string type = "speck:index:Pipeline", string monitor = "127.0.0.1:1") => new()
    {
        Project = "p", Stack = "s", Type = type, Name = "pipeline", MonitorEndpoint = monitor,
        Inputs = new Struct
        {
            Fields =
            {
                ["document"] = Value.ForString(document),
                ["jars"] = Value.ForStruct(new Struct { Fields = { ["/j.jar"] = Value.ForString("/tmp/j.jar") } }),
            },
        },
    };

    internal const string Job = "- {{ job_name: {0}, spe_address: 'http://10.0.0.1:8081/', source_broker: 'tcp://10.0.0.1:1883', sink_broker: 'tcp://10.0.0.1:1883', " +
        "source_topic: {1}, sink_topic: {2}, entry_class: a.B, job_path: /j.jar }}\n";

    private async Task<RpcException> Refused(ConstructRequest request) =>
        await Assert.ThrowsAsync<RpcException>(() => _service.Construct(request, new TestCallContext()));

    [Fact]
    public async Task A_cycle_is_refused_naming_the_job_and_field_before_anything_is_registered()
    {
        var e = await Refused(Request("jobs:\n" + string.Format(Job, "X", "a", "b") + string.Format(Job, "Y", "b", "a")));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("document: jobs[0] (X).source_topic: the jobs X → Y → X form a cycle through their topics; a pipeline is a DAG", e.Status.Detail);
    }

    [Fact]
    public async Task An_unknown_component_type_and_a_monitor_endpoint_that_is_not_host_port_are_named()
    {
        var document = "jobs:\n" + string.Format(Job, "X", "a", "b");
        Assert.Contains("unknown component type 'speck:index:Nope'", (await Refused(Request(document, type: "speck:index:Nope"))).Status.Detail);
        var e = await Refused(Request(document, monitor: "no port"));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("monitorEndpoint 'no port' is not host:port", e.Status.Detail);
        // A valid endpoint with nobody behind it: the registration is tried, and fails as unavailable.
        Assert.Equal(StatusCode.Unavailable, (await Refused(Request(document))).StatusCode);
    }
}

using System.Collections.Concurrent;
using System.Net;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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
    private readonly RecordingMonitor _monitor = new();
    private WebApplication _app = null!;
    private string _address = "";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(_monitor);
        _app = builder.Build();
        _app.MapGrpcService<RecordingMonitor>();
        await _app.StartAsync();
        _address = $"127.0.0.1:{new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port}";
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private const string Stack = "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s";

    private ConstructRequest Request(params Alias[] aliases)
    {
        var request = new ConstructRequest
        {
            Project = "p", Stack = "s", Type = "speck:index:Pipeline", Name = "traffic", Parent = Stack, MonitorEndpoint = _address, DryRun = true,
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

    private IReadOnlyList<string> AliasesOf(string name) => _monitor.Registered.Single(r => r.Name == name).AliasURNs.ToList();

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
        Assert.All(_monitor.Registered, r => Assert.Empty(r.AliasURNs));
        var count = _monitor.Registered.Count;

        var e = await Assert.ThrowsAsync<RpcException>(() => _service.Construct(Request(new Alias { Urn = "pipeline" }), new TestCallContext()));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("aliases: 'pipeline' is not a URN", e.Status.Detail);
        Assert.Equal(count, _monitor.Registered.Count);
    }

    /// <summary>A resource monitor that records each registration and answers with its URN and no outputs.</summary>
    internal sealed class RecordingMonitor : ResourceMonitor.ResourceMonitorBase
    {
        public ConcurrentQueue<RegisterResourceRequest> Registered { get; } = new();

        public override Task<RegisterResourceResponse> RegisterResource(RegisterResourceRequest request, ServerCallContext context)
        {
            Registered.Enqueue(request);
            var urn = request.Parent.Length == 0 || request.Parent == Stack
                ? $"urn:pulumi:s::p::{request.Type}::{request.Name}"
                : $"{request.Parent[..request.Parent.LastIndexOf("::", StringComparison.Ordinal)]}${request.Type}::{request.Name}";
            return Task.FromResult(new RegisterResourceResponse { Urn = urn, Object = new Struct() });
        }

        public override Task<Empty> RegisterResourceOutputs(RegisterResourceOutputsRequest request, ServerCallContext context) => Task.FromResult(new Empty());
    }
}

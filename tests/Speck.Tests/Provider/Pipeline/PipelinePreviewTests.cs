using Speck.Host.Grpc;
using Speck.Host.Resources;
using Speck.Host.Values;
using Speck.Provider;

namespace Speck.Tests.Provider.Pipeline;

/// <summary>
/// A preview whose pipeline inputs are partly unknown (a credential or path another resource makes): the children
/// are still registered, carrying those values unknown, and the graph is still checked. Only an unknown document
/// leaves nothing to show.
/// </summary>
[Trait("Category", "Unit")]
public sealed class PipelinePreviewTests
{
    private readonly IComponentHandler _pipeline = Assert.Single(SpeckFactory.Create().Components);

    private static PropertyValue S(string s) => PropertyValue.Of(s);
    private static PropertyValue Obj(params (string Key, PropertyValue Value)[] fields) =>
        PropertyValue.Of(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));

    private static PropertyMap Inputs(PropertyValue document) => new(new Dictionary<string, PropertyValue>
    {
        ["document"] = document,
        ["jars"] = Obj(("/usr/src/app/jars/test-1.jar", S("/j/1.jar")), ("/usr/src/app/jars/test-2.jar", S("/j/2.jar")),
            ("/usr/src/app/jars/test-3.jar", PropertyValue.Unknown), ("/usr/src/app/jars/test-4.jar", S("/j/4.jar"))),
        ["engines"] = Obj(("http://172.16.192.18:8081/", Obj(("tier", S("edge")), ("token", PropertyValue.MakeSecret(PropertyValue.Unknown))))),
        ["addressMap"] = Obj(("tcp://172.16.177.7:1883", PropertyValue.Unknown)),
    });

    private async Task<(List<ChildRegistration> Children, PropertyMap Outputs)> ConstructAsync(PropertyMap inputs)
    {
        var children = new List<ChildRegistration>();
        using var log = new EngineLog();
        var ctx = new ComponentContext
        {
            Urn = "urn:pulumi:s::p::speck:index:Pipeline::p", Name = "p", Type = "speck:index:Pipeline", Preview = true, Log = log,
            Register = (child, _) =>
            {
                lock (children) children.Add(child);
                return Task.FromResult(new ChildResource($"urn:pulumi:s::p::{child.Type}::{child.Name}", "", PropertyMap.Empty));
            },
        };
        return (children, (await _pipeline.ConstructAsync(ctx, inputs)).State);
    }

    private static bool HasMarker(PropertyValue v) => v.Kind switch
    {
        PropertyKind.String => v.AsString.Contains('\u0001'),
        PropertyKind.Secret => HasMarker(v.SecretValue),
        PropertyKind.Array => v.AsArray.Any(HasMarker),
        PropertyKind.Object => v.AsObject.Values.Any(HasMarker),
        _ => false,
    };

    [Fact]
    public async Task Unknown_credentials_paths_and_urls_stay_unknown_in_the_children_and_every_child_is_shown()
    {
        var (children, outputs) = await ConstructAsync(Inputs(S(PipelineSites.Listing("1.1"))));
        var byName = children.ToDictionary(c => c.Name);
        Assert.Equal(["p-A", "p-B", "p-C", "p-D"], children.Where(c => c.Type == "speck:index:StreamJob").Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.Equal(4, children.Count(c => c.Type == "speck:index:SpeSite"));
        Assert.True(byName["p-C"].Inputs["jarPath"].IsUnknown);
        Assert.Equal("/j/1.jar", byName["p-A"].Inputs["jarPath"].AsString);
        var token = byName["p-172.16.192.18"].Inputs["spe"].AsObject["token"];
        Assert.True(token.IsSecret && token.SecretValue.IsUnknown);
        Assert.Equal("edge", byName["p-172.16.192.18"].Inputs["tier"].AsString);
        Assert.True(byName["p-172.16.177.7"].Inputs["broker"].AsObject["url"].IsUnknown);
        Assert.DoesNotContain(children, c => HasMarker(c.Inputs.AsValue()));
        Assert.False(outputs["sites"].IsUnknown);
    }

    [Fact]
    public async Task An_unknown_document_registers_nothing_and_leaves_the_outputs_unknown()
    {
        var (children, outputs) = await ConstructAsync(Inputs(PropertyValue.Unknown));
        Assert.Empty(children);
        Assert.True(outputs["jobs"].IsUnknown);
    }

    [Fact]
    public void The_graph_is_checked_while_carried_values_are_unknown()
    {
        var cyclic = PipelineSites.Listing("1.1").Replace("sink_topic: T-D-total", "sink_topic: T-C-filter")
            .Replace("sink_broker: tcp://172.16.177.7:1883\n  source_topic: T-D-merger", "sink_broker: tcp://172.16.192.18:1883\n  source_topic: T-D-merger");
        var failures = _pipeline.Check(Inputs(S(cyclic)));
        Assert.Contains(failures, f => f.Reason.Contains("form a cycle through their topics", StringComparison.Ordinal));
        Assert.Empty(_pipeline.Check(Inputs(S(PipelineSites.Listing("1.1")))));
    }
}

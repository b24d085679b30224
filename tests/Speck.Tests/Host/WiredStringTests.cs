using System.Text.Json.Nodes;
using Speck.Host.Resources;
using Speck.Host.Values;
using static Speck.Tests.Host.PropertyBags;

namespace Speck.Tests.Host;

/// <summary>Records wired as strings: JSON strings on the wire, records inside the provider (docs/wiring.md).</summary>
[Trait("Category", "Unit")]
public class WiredStringTests
{
    private static readonly TypeContracts Contracts = TestContracts.Create();
    private static readonly Speck.Host.Schema.ObjectShape Shape = Contracts.Shapes.Object(typeof(LinkArgs), "test:index:Linked");

    private static PropertyValue Link(string name, PropertyValue? password = null) => Obj(("name", S(name)),
        ("endpoint", password is null ? Obj(("url", S("http://a"))) : Obj(("url", S("http://a")), ("password", password))));

    [Fact]
    public void An_object_goes_out_as_one_json_string_and_comes_back_as_the_object()
    {
        var objects = Map(("target", Link("t")), ("others", PropertyValue.Of([Link("o1"), Link("o2")])));
        var wired = WiredStrings.Collapse(Shape, objects);

        Assert.Equal(PropertyKind.String, wired["target"].Kind);
        Assert.Equal("t", JsonNode.Parse(wired["target"].AsString)!["name"]!.GetValue<string>());
        Assert.All(wired["others"].AsArray, v => Assert.Equal(PropertyKind.String, v.Kind));
        var roots = new List<string>();
        Assert.Equal(objects, WiredStrings.Expand(Shape, wired, roots));
        Assert.Equal(["others[0]", "others[1]", "target"], roots.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_secret_inside_makes_the_whole_string_secret_and_an_unknown_the_whole_string_unknown()
    {
        var wired = WiredStrings.Collapse(Shape, Map(("target", Link("t", PropertyValue.MakeSecret(S("pw")))), ("others", PropertyValue.Of([Obj(("name", PropertyValue.Unknown))]))));

        Assert.True(wired["target"].IsSecret);
        Assert.Equal(PropertyKind.String, wired["target"].SecretValue.Kind);
        Assert.True(wired["others"].AsArray[0].IsUnknown);
        // A secret string comes in as a secret object: the record's secret paths remember it.
        Assert.True(WiredStrings.Expand(Shape, wired)["target"].IsSecret);
    }

    [Fact]
    public void Objects_from_older_state_pass_and_a_string_that_is_no_json_object_fails_at_its_path()
    {
        var legacy = Map(("target", Link("t")));
        Assert.Equal(legacy, WiredStrings.Expand(Shape, legacy));

        var failures = new List<CheckFailureInfo>();
        var bad = WiredStrings.Expand(Shape, Map(("target", S("edge1")), ("others", PropertyValue.Of([S("[1]")]))), failures: failures);
        Assert.Equal(["others[0]", "target"], failures.Select(f => f.Property).Order(StringComparer.Ordinal));
        Assert.All(failures, f => Assert.StartsWith("expected the JSON string another resource's output gives", f.Reason));
        Assert.Equal("edge1", bad["target"].AsString);
    }

    [Fact]
    public void Diff_keys_inside_a_wired_string_fold_into_its_own_key_keeping_a_replace()
    {
        var detailed = new Dictionary<string, DiffKind>
        {
            ["target.endpoint.url"] = DiffKind.UpdateReplace, ["target.name"] = DiffKind.Update,
            ["others[1].name"] = DiffKind.Update, ["targets"] = DiffKind.Add,
        };
        var folded = WiredStrings.FoldDiff(detailed, ["target", "others[1]"]);
        Assert.Equal(new Dictionary<string, DiffKind> { ["target"] = DiffKind.UpdateReplace, ["others[1]"] = DiffKind.Update, ["targets"] = DiffKind.Add }, folded);
    }
}

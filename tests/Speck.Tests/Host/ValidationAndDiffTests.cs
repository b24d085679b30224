using Speck.Host.Resources;
using Speck.Host.Values;
using static Speck.Tests.Host.PropertyBags;

namespace Speck.Tests.Host;

[Trait("Category", "Unit")]
public class ValidationAndDiffTests
{
    private static readonly TypeContracts Contracts = TestContracts.Create();
    private static readonly Speck.Host.Schema.ObjectShape Shape = Contracts.Shapes.Object(typeof(ThingArgs), "test:index:Thing");


    private static PropertyMap Valid(string url = "http://a", string pw = "pw") =>
        Map(("name", S("n")), ("endpoint", Obj(("url", S(url)), ("password", PropertyValue.MakeSecret(S(pw))))));

    [Fact]
    public void A_valid_bag_has_no_failures() => Assert.Empty(ShapeValidator.Validate(Shape, Valid()));

    [Fact]
    public void Failures_name_the_property_path_and_the_reason()
    {
        var bad = Map(("size", S("big")), ("color", S("green")), ("endpoint", Obj(("usr", S("x")))), ("labels", Obj(("a", PropertyValue.Of(1)))));
        var failures = ShapeValidator.Validate(Shape, bad).ToDictionary(f => f.Property, f => f.Reason);
        Assert.Contains("missing required property 'name'", failures["name"]);
        Assert.Contains("expected an integer, got a string", failures["size"]);
        Assert.Contains("'green' is not allowed; expected one of: red, blue", failures["color"]);
        Assert.Contains("missing required property 'url'", failures["endpoint.url"]);
        Assert.Contains("unknown property 'usr'", failures["endpoint.usr"]);
        Assert.Contains("expected a string, got a number", failures["labels.a"]);
    }

    [Fact]
    public void Unknown_values_are_never_failures()
    {
        var preview = Map(("name", PropertyValue.Unknown), ("size", PropertyValue.Unknown), ("endpoint", PropertyValue.Unknown));
        Assert.Empty(ShapeValidator.Validate(Shape, preview));
    }

    [Fact]
    public void A_nested_replace_on_changes_property_forces_replacement_at_its_path()
    {
        var diff = PropertyDiffer.Compare(Shape, Valid("http://a"), Valid("http://b"), []);
        Assert.Equal(DiffKind.UpdateReplace, Assert.Single(diff).Value);
        Assert.Equal("endpoint.url", diff.Keys.Single());
    }

    [Fact]
    public void Map_entries_are_diffed_by_key_and_ignoreChanges_is_honoured()
    {
        var olds = Valid().With("labels", Obj(("a", S("1")), ("b", S("2")))).With("size", PropertyValue.Of(1));
        var news = Valid().With("labels", Obj(("a", S("1")), ("c", S("3")))).With("size", PropertyValue.Of(2));
        var diff = PropertyDiffer.Compare(Shape, olds, news, ["size"]);
        Assert.Equal(DiffKind.Delete, diff["labels.b"]);
        Assert.Equal(DiffKind.Add, diff["labels.c"]);
        Assert.False(diff.ContainsKey("size"));
    }

    [Fact]
    public void An_unknown_new_value_is_a_change_never_no_change()
    {
        var news = Valid().With("endpoint", Obj(("url", PropertyValue.Unknown)));
        var diff = PropertyDiffer.Compare(Shape, Valid(), news, []);
        Assert.Equal(DiffKind.UpdateReplace, diff["endpoint.url"]);
        var whole = PropertyDiffer.Compare(Shape, Valid().With("tags", PropertyValue.Of([S("a")])), Valid().With("tags", PropertyValue.Unknown), []);
        Assert.Equal(DiffKind.Update, whole["tags"]);
    }

    [Fact]
    public void Making_a_value_secret_is_not_a_change()
    {
        var plain = Map(("name", S("n")), ("endpoint", Obj(("url", S("http://a")), ("password", S("pw")))));
        Assert.Empty(PropertyDiffer.Compare(Shape, plain, Valid(), []));
    }

    [Fact]
    public void Outputs_keep_secrets_both_from_the_schema_and_from_secret_inputs()
    {
        var secrets = new HashSet<string>();
        var inputs = Valid().With("name", PropertyValue.MakeSecret(S("hidden-name")));
        var args = TypedBridge.Decode(inputs, Contracts.Strict<ThingArgs>(), secrets);
        Assert.Equal("hidden-name", args.Name);
        var state = new ThingState { Name = args.Name, Endpoint = args.Endpoint with { Password = "pw2" }, Computed = "c" };
        var outputs = TypedBridge.Encode(state, Contracts.Strict<ThingState>(), Contracts.Shapes.Object(typeof(ThingState)), secrets);
        Assert.True(outputs["name"].IsSecret);
        Assert.True(outputs["endpoint"].AsObject["password"].IsSecret);
        Assert.False(outputs["computed"].IsSecret);
        Assert.False(outputs.ContainsKey("size"));
    }
}

using Google.Protobuf.WellKnownTypes;
using Speck.Host.Values;

namespace Speck.Tests.Host;

[Trait("Category", "Unit")]
public class StructCodecTests
{
    private static Value Signed(string sig, params (string, Value)[] fields)
    {
        var s = new Struct { Fields = { [Sentinels.SigKey] = Value.ForString(sig) } };
        foreach (var (k, v) in fields) s.Fields[k] = v;
        return Value.ForStruct(s);
    }

    [Fact]
    public void Every_unknown_sentinel_decodes_as_unknown_and_encodes_as_the_string_one()
    {
        foreach (var sentinel in Sentinels.AllUnknowns)
        {
            var v = StructCodec.Decode(Value.ForString(sentinel));
            Assert.True(v.IsUnknown);
            Assert.Equal(Sentinels.Unknown, StructCodec.Encode(v).StringValue);
        }
    }

    [Fact]
    public void Nested_secrets_stay_wrapped_through_a_round_trip()
    {
        var s = new Struct
        {
            Fields =
            {
                ["broker"] = Value.ForStruct(new Struct { Fields = { ["password"] = Signed(Sentinels.SecretSig, ("value", Value.ForString("pw"))) } }),
                ["list"] = Value.ForList(Signed(Sentinels.SecretSig, ("value", Value.ForNumber(3)))),
            },
        };
        var map = StructCodec.Decode(s);
        var pw = map["broker"].AsObject["password"];
        Assert.True(pw.IsSecret);
        Assert.Equal("pw", pw.SecretValue.AsString);
        Assert.True(map["list"].AsArray[0].IsSecret);
        Assert.Equal(s, StructCodec.Encode(map));
    }

    [Fact]
    public void Assets_archives_and_resource_references_round_trip()
    {
        var asset = Signed(Sentinels.AssetSig, ("hash", Value.ForString("abc")), ("path", Value.ForString("job.jar")));
        var archive = Signed(Sentinels.ArchiveSig, ("hash", Value.ForString("def")),
            ("assets", Value.ForStruct(new Struct { Fields = { ["a.txt"] = Signed(Sentinels.AssetSig, ("text", Value.ForString("hi"))) } })));
        var reference = Signed(Sentinels.ResourceSig, ("urn", Value.ForString("urn:pulumi:s::p::t::n")), ("id", Value.ForString("i-1")));
        var s = new Struct { Fields = { ["jar"] = asset, ["bundle"] = archive, ["site"] = reference } };
        var map = StructCodec.Decode(s);
        Assert.Equal(new AssetValue("abc", null, "job.jar", null), map["jar"].AsAsset);
        Assert.Equal("hi", map["bundle"].AsArchive.Assets!["a.txt"].AsAsset.Text);
        Assert.Equal("i-1", map["site"].AsResourceRef.Id);
        Assert.Equal(s, StructCodec.Encode(map));
    }

    [Fact]
    public void Output_values_decode_to_their_value_unknown_or_secret()
    {
        Assert.True(StructCodec.Decode(Signed(Sentinels.OutputSig)).IsUnknown);
        var secret = StructCodec.Decode(Signed(Sentinels.OutputSig, ("value", Value.ForString("x")), ("secret", Value.ForBool(true))));
        Assert.True(secret.IsSecret);
        Assert.Equal("x", secret.SecretValue.AsString);
    }

    [Fact]
    public void An_unrecognised_signature_is_an_error() =>
        Assert.Throws<InvalidValueException>(() => StructCodec.Decode(Signed("nope")));

    [Fact]
    public void Rendering_never_shows_a_secret() =>
        Assert.DoesNotContain("hunter2", PropertyValue.Of([KeyValuePair.Create("p", PropertyValue.MakeSecret(PropertyValue.Of("hunter2")))]).ToString());

    [Fact]
    public void Assets_are_equal_by_content_hash_as_the_engine_sends_old_ones_elided_to_it()
    {
        var whole = PropertyValue.Of(new AssetValue("abc123", null, "./jobs/filter.jar", null));
        var elided = PropertyValue.Of(new AssetValue("abc123", null, null, null));
        var moved = PropertyValue.Of(new AssetValue("abc123", null, "./other/filter.jar", null));
        var rebuilt = PropertyValue.Of(new AssetValue("def456", null, "./jobs/filter.jar", null));

        Assert.Equal(whole, elided);
        Assert.Equal(whole, moved);
        Assert.Equal(whole.GetHashCode(), elided.GetHashCode());
        Assert.NotEqual(whole, rebuilt);
        // Without hashes (not yet computed) the location decides.
        Assert.NotEqual(PropertyValue.Of(new AssetValue(null, null, "a.jar", null)), PropertyValue.Of(new AssetValue(null, null, "b.jar", null)));
    }
}

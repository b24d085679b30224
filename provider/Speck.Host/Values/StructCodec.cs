using System.Collections.Immutable;
using Google.Protobuf.WellKnownTypes;

namespace Speck.Host.Values;

/// <summary>
/// Converts between protobuf Structs as the engine sends them and <see cref="PropertyValue"/>s,
/// decoding the sentinel and signature shapes of Pulumi's property encoding in both directions.
/// </summary>
public static class StructCodec
{
    /// <summary>
    /// How deep a property's value may nest (objects and lists) for the provider to handle it. The engine's own
    /// protobuf limit (Go's, 10,000 messages) lets far deeper values through, and the transport takes them (see
    /// <see cref="Grpc.DeepMessages"/>); the provider refuses what is deeper with an error naming the property.
    /// The bound keeps every JSON document the provider makes of a value (its records, Node-RED flows holding
    /// <c>nodeRed.nodes</c>) within System.Text.Json's default depth of 64, and its recursive code off the stack's end.
    /// </summary>
    public const int MaxDepth = 48;

    /// <summary>Decodes every property, or throws <see cref="InvalidValueException"/> naming the first it cannot read.</summary>
    public static PropertyMap Decode(Struct? s)
    {
        var (map, failures) = DecodeEach(s);
        if (failures.Count > 0) throw failures[0];
        return map;
    }

    /// <summary>Decodes the properties it can read; the others are left out and reported, for Check to name them all.</summary>
    public static (PropertyMap Map, IReadOnlyList<InvalidValueException> Failures) DecodeEach(Struct? s)
    {
        if (s is null) return (PropertyMap.Empty, []);
        var fields = new List<KeyValuePair<string, PropertyValue>>(s.Fields.Count);
        var failures = new List<InvalidValueException>();
        foreach (var (k, v) in s.Fields)
        {
            try { fields.Add(KeyValuePair.Create(k, Decode(v, 1))); }
            catch (InvalidValueException e) { failures.Add(e.Within(k)); }
        }
        return (new PropertyMap(fields), failures);
    }

    public static PropertyValue Decode(Value v) => Decode(v, 1);

    private static PropertyValue Decode(Value v, int depth)
    {
        if (depth > MaxDepth) throw new InvalidValueException("", $"nested more than {MaxDepth} levels deep (objects and lists); the provider reads at most {MaxDepth}");
        return v.KindCase switch
        {
            Value.KindOneofCase.NullValue or Value.KindOneofCase.None => PropertyValue.Null,
            Value.KindOneofCase.BoolValue => PropertyValue.Of(v.BoolValue),
            Value.KindOneofCase.NumberValue => PropertyValue.Of(v.NumberValue),
            Value.KindOneofCase.StringValue => Sentinels.AllUnknowns.Contains(v.StringValue)
                ? PropertyValue.Unknown : PropertyValue.Of(v.StringValue),
            Value.KindOneofCase.ListValue => PropertyValue.Of(DecodeItems(v.ListValue, depth)),
            Value.KindOneofCase.StructValue => DecodeObject(v.StructValue, depth),
            _ => throw new InvalidValueException("", $"unsupported protobuf value kind {v.KindCase}"),
        };
    }

    private static List<PropertyValue> DecodeItems(ListValue list, int depth)
    {
        var items = new List<PropertyValue>(list.Values.Count);
        for (var i = 0; i < list.Values.Count; i++)
        {
            try { items.Add(Decode(list.Values[i], depth + 1)); }
            catch (InvalidValueException e) { throw e.WithinItem(i); }
        }
        return items;
    }

    private static List<KeyValuePair<string, PropertyValue>> DecodeFields(Struct s, int depth, Func<string, bool>? skip = null)
    {
        var fields = new List<KeyValuePair<string, PropertyValue>>(s.Fields.Count);
        foreach (var (k, v) in s.Fields)
        {
            if (skip?.Invoke(k) == true) continue;
            try { fields.Add(KeyValuePair.Create(k, Decode(v, depth + 1))); }
            catch (InvalidValueException e) { throw e.Within(k); }
        }
        return fields;
    }

    private static PropertyValue Field(Struct s, string key, int depth)
    {
        try { return Decode(s.Fields[key], depth + 1); }
        catch (InvalidValueException e) { throw e.Within(key); }
    }

    private static PropertyValue DecodeObject(Struct s, int depth)
    {
        if (!s.Fields.TryGetValue(Sentinels.SigKey, out var sig))
            return PropertyValue.Of(DecodeFields(s, depth));
        if (sig.KindCase != Value.KindOneofCase.StringValue)
            throw new InvalidValueException("", $"the Pulumi value signature ('{Sentinels.SigKey}') must be a string, got {KindName(sig)}");

        string? Str(string key) => s.Fields.TryGetValue(key, out var f) && f.KindCase == Value.KindOneofCase.StringValue ? f.StringValue : null;
        switch (sig.StringValue)
        {
            case Sentinels.SecretSig:
                return PropertyValue.MakeSecret(s.Fields.ContainsKey("value") ? Field(s, "value", depth) : PropertyValue.Null);
            case Sentinels.AssetSig:
                return PropertyValue.Of(new AssetValue(Str("hash"), Str("text"), Str("path"), Str("uri")));
            case Sentinels.ArchiveSig:
                ImmutableSortedDictionary<string, PropertyValue>? assets = null;
                if (s.Fields.TryGetValue("assets", out var a) && a.KindCase == Value.KindOneofCase.StructValue)
                {
                    try { assets = DecodeFields(a.StructValue, depth + 1).ToImmutableSortedDictionary(StringComparer.Ordinal); }
                    catch (InvalidValueException e) { throw e.Within("assets"); }
                }
                return PropertyValue.Of(new ArchiveValue(Str("hash"), Str("path"), Str("uri"), assets));
            case Sentinels.ResourceSig:
                var id = Str("id");
                return PropertyValue.Of(new ResourceRefValue(Str("urn") ?? "", id is null || Sentinels.AllUnknowns.Contains(id) ? null : id, Str("packageVersion")));
            case Sentinels.OutputSig:
                if (!s.Fields.ContainsKey("value")) return PropertyValue.Unknown;
                var decoded = Field(s, "value", depth);
                return s.Fields.TryGetValue("secret", out var sec) && sec.BoolValue ? PropertyValue.MakeSecret(decoded) : decoded;
            default:
                throw new InvalidValueException("", $"unrecognised Pulumi value signature '{Excerpt.Of(sig.StringValue, 64)}'; expected a secret, asset, archive, resource reference or output");
        }
    }

    private static string KindName(Value v) => v.KindCase switch
    {
        Value.KindOneofCase.NumberValue => "a number",
        Value.KindOneofCase.BoolValue => "a boolean",
        Value.KindOneofCase.ListValue => "a list",
        Value.KindOneofCase.StructValue => "an object",
        _ => "null",
    };

    public static Struct Encode(PropertyMap map)
    {
        var s = new Struct();
        foreach (var (k, v) in map) s.Fields[k] = Encode(v);
        return s;
    }

    public static Value Encode(PropertyValue v) => v.Kind switch
    {
        PropertyKind.Null => Value.ForNull(),
        PropertyKind.Bool => Value.ForBool(v.AsBool),
        PropertyKind.Number => Value.ForNumber(v.AsNumber),
        PropertyKind.String => Value.ForString(v.AsString),
        PropertyKind.Unknown => Value.ForString(Sentinels.Unknown),
        PropertyKind.Array => Value.ForList(v.AsArray.Select(Encode).ToArray()),
        PropertyKind.Object => Value.ForStruct(EncodeFields(v.AsObject)),
        PropertyKind.Secret => Signed(Sentinels.SecretSig, ("value", Encode(v.SecretValue))),
        PropertyKind.Asset => EncodeAsset(v.AsAsset),
        PropertyKind.Archive => EncodeArchive(v.AsArchive),
        PropertyKind.ResourceRef => Signed(Sentinels.ResourceSig,
            ("urn", Value.ForString(v.AsResourceRef.Urn)),
            ("id", v.AsResourceRef.Id is null ? null : Value.ForString(v.AsResourceRef.Id)),
            ("packageVersion", v.AsResourceRef.PackageVersion is null ? null : Value.ForString(v.AsResourceRef.PackageVersion))),
        _ => throw new ArgumentOutOfRangeException(nameof(v), v.Kind, null),
    };

    private static Struct EncodeFields(IEnumerable<KeyValuePair<string, PropertyValue>> fields)
    {
        var s = new Struct();
        foreach (var (k, v) in fields) s.Fields[k] = Encode(v);
        return s;
    }

    private static Value EncodeAsset(AssetValue a) => Signed(Sentinels.AssetSig,
        ("hash", Opt(a.Hash)), ("text", Opt(a.Text)), ("path", Opt(a.Path)), ("uri", Opt(a.Uri)));

    private static Value EncodeArchive(ArchiveValue a) => Signed(Sentinels.ArchiveSig,
        ("hash", Opt(a.Hash)), ("path", Opt(a.Path)), ("uri", Opt(a.Uri)),
        ("assets", a.Assets is null ? null : Value.ForStruct(EncodeFields(a.Assets))));

    private static Value? Opt(string? s) => s is null ? null : Value.ForString(s);

    private static Value Signed(string sig, params (string Key, Value? Value)[] fields)
    {
        var s = new Struct();
        s.Fields[Sentinels.SigKey] = Value.ForString(sig);
        foreach (var (k, v) in fields)
            if (v is not null) s.Fields[k] = v;
        return Value.ForStruct(s);
    }
}

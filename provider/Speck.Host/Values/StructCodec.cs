using System.Collections.Immutable;
using Google.Protobuf.WellKnownTypes;

namespace Speck.Host.Values;

/// <summary>
/// Converts between protobuf Structs as the engine sends them and <see cref="PropertyValue"/>s,
/// decoding the sentinel and signature shapes of Pulumi's property encoding in both directions.
/// </summary>
public static class StructCodec
{
    public static PropertyMap Decode(Struct? s) =>
        s is null ? PropertyMap.Empty : new PropertyMap(s.Fields.Select(kv => KeyValuePair.Create(kv.Key, Decode(kv.Value))));

    public static PropertyValue Decode(Value v) => v.KindCase switch
    {
        Value.KindOneofCase.NullValue or Value.KindOneofCase.None => PropertyValue.Null,
        Value.KindOneofCase.BoolValue => PropertyValue.Of(v.BoolValue),
        Value.KindOneofCase.NumberValue => PropertyValue.Of(v.NumberValue),
        Value.KindOneofCase.StringValue => Sentinels.AllUnknowns.Contains(v.StringValue)
            ? PropertyValue.Unknown : PropertyValue.Of(v.StringValue),
        Value.KindOneofCase.ListValue => PropertyValue.Of(v.ListValue.Values.Select(Decode)),
        Value.KindOneofCase.StructValue => DecodeObject(v.StructValue),
        _ => throw new FormatException($"unsupported protobuf value kind {v.KindCase}"),
    };

    private static PropertyValue DecodeObject(Struct s)
    {
        if (!s.Fields.TryGetValue(Sentinels.SigKey, out var sig))
            return PropertyValue.Of(s.Fields.Select(kv => KeyValuePair.Create(kv.Key, Decode(kv.Value))));

        string? Str(string key) => s.Fields.TryGetValue(key, out var f) && f.KindCase == Value.KindOneofCase.StringValue ? f.StringValue : null;
        switch (sig.StringValue)
        {
            case Sentinels.SecretSig:
                return PropertyValue.MakeSecret(s.Fields.TryGetValue("value", out var inner) ? Decode(inner) : PropertyValue.Null);
            case Sentinels.AssetSig:
                return PropertyValue.Of(new AssetValue(Str("hash"), Str("text"), Str("path"), Str("uri")));
            case Sentinels.ArchiveSig:
                ImmutableSortedDictionary<string, PropertyValue>? assets = null;
                if (s.Fields.TryGetValue("assets", out var a) && a.KindCase == Value.KindOneofCase.StructValue)
                    assets = a.StructValue.Fields.ToImmutableSortedDictionary(kv => kv.Key, kv => Decode(kv.Value), StringComparer.Ordinal);
                return PropertyValue.Of(new ArchiveValue(Str("hash"), Str("path"), Str("uri"), assets));
            case Sentinels.ResourceSig:
                var id = Str("id");
                return PropertyValue.Of(new ResourceRefValue(Str("urn") ?? "", id is null || Sentinels.AllUnknowns.Contains(id) ? null : id, Str("packageVersion")));
            case Sentinels.OutputSig:
                if (!s.Fields.TryGetValue("value", out var ov)) return PropertyValue.Unknown;
                var decoded = Decode(ov);
                return s.Fields.TryGetValue("secret", out var sec) && sec.BoolValue ? PropertyValue.MakeSecret(decoded) : decoded;
            default:
                throw new FormatException($"unrecognised Pulumi signature '{sig.StringValue}'");
        }
    }

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

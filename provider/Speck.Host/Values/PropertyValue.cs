using System.Collections.Immutable;

namespace Speck.Host.Values;

public enum PropertyKind { Null, Bool, Number, String, Array, Object, Asset, Archive, Unknown, Secret, ResourceRef }

/// <summary>An asset as the engine sends it: a hash plus exactly one of text, path or uri.</summary>
public sealed record AssetValue(string? Hash, string? Text, string? Path, string? Uri);

/// <summary>An archive: a hash plus one of path, uri or a map of named assets/archives.</summary>
public sealed record ArchiveValue(string? Hash, string? Path, string? Uri, ImmutableSortedDictionary<string, PropertyValue>? Assets);

public sealed record ResourceRefValue(string Urn, string? Id, string? PackageVersion);

/// <summary>
/// One value of a Pulumi property bag. Unknown and Secret are kinds of their own so that neither can be
/// lost by code that only looks at the plain kinds: a secret must be unwrapped on purpose.
/// </summary>
public sealed class PropertyValue : IEquatable<PropertyValue>
{
    public static readonly PropertyValue Null = new(PropertyKind.Null, null);
    public static readonly PropertyValue Unknown = new(PropertyKind.Unknown, null);
    public static readonly PropertyValue True = new(PropertyKind.Bool, true);
    public static readonly PropertyValue False = new(PropertyKind.Bool, false);

    public PropertyKind Kind { get; }
    private readonly object? _v;

    private PropertyValue(PropertyKind kind, object? v) { Kind = kind; _v = v; }

    public static PropertyValue Of(bool b) => b ? True : False;
    public static PropertyValue Of(double d) => new(PropertyKind.Number, d);
    public static PropertyValue Of(string s) => new(PropertyKind.String, s);
    public static PropertyValue Of(IEnumerable<PropertyValue> items) => new(PropertyKind.Array, items.ToImmutableArray());
    public static PropertyValue Of(IEnumerable<KeyValuePair<string, PropertyValue>> fields) =>
        new(PropertyKind.Object, fields.ToImmutableSortedDictionary(StringComparer.Ordinal));
    public static PropertyValue Of(AssetValue a) => new(PropertyKind.Asset, a);
    public static PropertyValue Of(ArchiveValue a) => new(PropertyKind.Archive, a);
    public static PropertyValue Of(ResourceRefValue r) => new(PropertyKind.ResourceRef, r);
    public static PropertyValue MakeSecret(PropertyValue inner) =>
        inner.Kind == PropertyKind.Secret ? inner : new(PropertyKind.Secret, inner);

    public bool IsNull => Kind == PropertyKind.Null;
    public bool IsUnknown => Kind == PropertyKind.Unknown;
    public bool IsSecret => Kind == PropertyKind.Secret;

    public bool AsBool => (bool)_v!;
    public double AsNumber => (double)_v!;
    public string AsString => (string)_v!;
    public ImmutableArray<PropertyValue> AsArray => (ImmutableArray<PropertyValue>)_v!;
    public ImmutableSortedDictionary<string, PropertyValue> AsObject => (ImmutableSortedDictionary<string, PropertyValue>)_v!;
    public AssetValue AsAsset => (AssetValue)_v!;
    public ArchiveValue AsArchive => (ArchiveValue)_v!;
    public ResourceRefValue AsResourceRef => (ResourceRefValue)_v!;
    /// <summary>The wrapped value of a secret.</summary>
    public PropertyValue SecretValue => (PropertyValue)_v!;

    /// <summary>This value without a secret wrapper at the top.</summary>
    public PropertyValue Unwrapped => IsSecret ? SecretValue : this;

    public bool ContainsUnknowns => Kind switch
    {
        PropertyKind.Unknown => true,
        PropertyKind.Secret => SecretValue.ContainsUnknowns,
        PropertyKind.Array => AsArray.Any(v => v.ContainsUnknowns),
        PropertyKind.Object => AsObject.Values.Any(v => v.ContainsUnknowns),
        _ => false,
    };

    public bool ContainsSecrets => Kind switch
    {
        PropertyKind.Secret => true,
        PropertyKind.Array => AsArray.Any(v => v.ContainsSecrets),
        PropertyKind.Object => AsObject.Values.Any(v => v.ContainsSecrets),
        _ => false,
    };

    public bool Equals(PropertyValue? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || other.Kind != Kind) return false;
        return Kind switch
        {
            PropertyKind.Null or PropertyKind.Unknown => true,
            PropertyKind.Array => AsArray.SequenceEqual(other.AsArray),
            PropertyKind.Object => AsObject.Count == other.AsObject.Count &&
                AsObject.All(kv => other.AsObject.TryGetValue(kv.Key, out var o) && kv.Value.Equals(o)),
            PropertyKind.Asset => AssetEquals(AsAsset, other.AsAsset),
            PropertyKind.Archive => ArchiveEquals(AsArchive, other.AsArchive),
            _ => Equals(_v, other._v),
        };
    }

    // An asset is its content: the engine elides old assets to their hash in Diff, Update, Read and Delete, and a file
    // moved with the same content is no change (docs/pulumi-engine.md, assets).
    private static bool AssetEquals(AssetValue a, AssetValue b) =>
        a.Hash is not null && b.Hash is not null ? a.Hash == b.Hash : a == b;

    private static bool ArchiveEquals(ArchiveValue a, ArchiveValue b)
    {
        if (a.Hash is not null && b.Hash is not null) return a.Hash == b.Hash;
        if (a.Path != b.Path || a.Uri != b.Uri) return false;
        if (a.Assets is null || b.Assets is null) return a.Assets is null && b.Assets is null;
        return Of(a.Assets).Equals(Of(b.Assets));
    }

    public override bool Equals(object? obj) => Equals(obj as PropertyValue);

    public override int GetHashCode() => Kind switch
    {
        PropertyKind.Array => AsArray.Aggregate((int)Kind, (h, v) => HashCode.Combine(h, v)),
        PropertyKind.Object => AsObject.Aggregate((int)Kind, (h, kv) => HashCode.Combine(h, kv.Key, kv.Value)),
        PropertyKind.Asset or PropertyKind.Archive => (int)Kind, // equal by hash or by location: no one field fits both
        _ => HashCode.Combine(Kind, _v),
    };

    /// <summary>A short rendering for diffs and logs; secrets are never rendered.</summary>
    public override string ToString() => Kind switch
    {
        PropertyKind.Null => "null",
        PropertyKind.Unknown => "[unknown]",
        PropertyKind.Secret => "[secret]",
        PropertyKind.Bool => AsBool ? "true" : "false",
        PropertyKind.Number => AsNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
        PropertyKind.String => "\"" + AsString + "\"",
        PropertyKind.Array => "[" + string.Join(", ", AsArray) + "]",
        PropertyKind.Object => "{" + string.Join(", ", AsObject.Select(kv => kv.Key + ": " + kv.Value)) + "}",
        PropertyKind.Asset => "asset(" + (AsAsset.Path ?? AsAsset.Uri ?? "text") + ")",
        PropertyKind.Archive => "archive(" + (AsArchive.Path ?? AsArchive.Uri ?? "assets") + ")",
        PropertyKind.ResourceRef => "ref(" + AsResourceRef.Urn + ")",
        _ => Kind.ToString(),
    };
}

using Speck.Host.Values;

namespace Speck.Provider.Pipeline;

/// <summary>
/// A preview's pipeline inputs with values still unknown (they come from resources not yet created, e.g. a password
/// another resource makes). The children are made of the document and of which addresses and jars it names; the
/// values the children only carry (each jar's path, credentials, labels, the URLs of <c>addressMap</c>, the savepoint
/// directory) can stay unknown, so the preview still shows every site, topic and job, with those values unknown in
/// them, as a program that declared the children itself would. An unknown anywhere else (the document, a whole map,
/// a kind, a tier, the networks) leaves the structure unknown.
/// </summary>
public static class PipelinePreviewInputs
{
    // Stands for an unknown string while the plan is made; no document, path or password holds U+0001.
    private const string Marker = "\u0001unknown\u0001";

    private static readonly HashSet<string> EngineCarried = ["token", "username", "password"];
    private static readonly HashSet<string> BrokerCarried = ["username", "password", "adminUsername", "adminPassword"];

    /// <summary>The inputs with each carried unknown replaced by a marker string, or null when the structure itself is unknown.</summary>
    public static PropertyMap? Fill(PropertyMap inputs)
    {
        var filled = new Dictionary<string, PropertyValue>(StringComparer.Ordinal);
        foreach (var (key, value) in inputs)
        {
            PropertyValue? v = key switch
            {
                "jars" or "addressMap" => Each(value, Leaf),
                "savepointDirectory" => Leaf(value),
                "engines" => Each(value, s => Setting(s, EngineCarried)),
                "brokers" => Each(value, s => Setting(s, BrokerCarried)),
                _ => value.ContainsUnknowns ? null : value,
            };
            if (v is null) return null;
            filled[key] = v;
        }
        return new PropertyMap(filled);
    }

    /// <summary>A child's inputs made from filled inputs, with every marker back to unknown (kept inside a secret).</summary>
    public static PropertyMap Restore(PropertyMap childInputs) =>
        new(childInputs.ToDictionary(kv => kv.Key, kv => Restore(kv.Value), StringComparer.Ordinal));

    private static PropertyValue Restore(PropertyValue v) => v.Kind switch
    {
        PropertyKind.String when v.AsString.Contains(Marker, StringComparison.Ordinal) => PropertyValue.Unknown,
        PropertyKind.Secret => PropertyValue.MakeSecret(Restore(v.SecretValue)),
        PropertyKind.Array => PropertyValue.Of(v.AsArray.Select(Restore)),
        PropertyKind.Object => PropertyValue.Of(v.AsObject.Select(kv => KeyValuePair.Create(kv.Key, Restore(kv.Value)))),
        _ => v,
    };

    private static PropertyValue? Leaf(PropertyValue v) => v.Kind switch
    {
        PropertyKind.Unknown => PropertyValue.Of(Marker),
        PropertyKind.Secret when v.SecretValue.IsUnknown => PropertyValue.MakeSecret(PropertyValue.Of(Marker)),
        _ => v.ContainsUnknowns ? null : v,
    };

    private static PropertyValue? Each(PropertyValue map, Func<PropertyValue, PropertyValue?> each)
    {
        if (map.Unwrapped.Kind != PropertyKind.Object) return map.ContainsUnknowns ? null : map;
        var result = new Dictionary<string, PropertyValue>(StringComparer.Ordinal);
        foreach (var (k, v) in map.Unwrapped.AsObject)
        {
            if (each(v) is not { } filled) return null;
            result[k] = filled;
        }
        var value = PropertyValue.Of(result);
        return map.IsSecret ? PropertyValue.MakeSecret(value) : value;
    }

    private static PropertyValue? Setting(PropertyValue setting, HashSet<string> carried) =>
        setting.Unwrapped.Kind == PropertyKind.Object ? Fields(setting, carried) : setting.ContainsUnknowns ? null : setting;

    private static PropertyValue? Fields(PropertyValue setting, HashSet<string> carried)
    {
        var result = new Dictionary<string, PropertyValue>(StringComparer.Ordinal);
        foreach (var (k, v) in setting.Unwrapped.AsObject)
        {
            var filled = carried.Contains(k) ? Leaf(v) : k == "labels" ? Each(v, Leaf) : v.ContainsUnknowns ? null : v;
            if (filled is null) return null;
            result[k] = filled;
        }
        var value = PropertyValue.Of(result);
        return setting.IsSecret ? PropertyValue.MakeSecret(value) : value;
    }
}

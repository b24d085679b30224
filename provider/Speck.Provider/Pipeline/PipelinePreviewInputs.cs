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
        var filled = Each(inputs.AsValue(), (key, value) => key switch
        {
            "jars" or "addressMap" => Each(value, (_, path) => Leaf(path)),
            "savepointDirectory" => Leaf(value),
            "engines" => Each(value, (_, engine) => Each(engine, (k, v) => Carried(k, v, EngineCarried))),
            "brokers" => Each(value, (_, broker) => Each(broker, (k, v) => Carried(k, v, BrokerCarried))),
            _ => Known(value),
        });
        return filled is null ? null : new PropertyMap(filled.AsObject);
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
        _ => Known(v),
    };

    private static PropertyValue? Known(PropertyValue v) => v.ContainsUnknowns ? null : v;

    /// <summary>An engine's or broker's setting: its credentials and labels may be unknown, nothing else.</summary>
    private static PropertyValue? Carried(string key, PropertyValue v, HashSet<string> carried) =>
        carried.Contains(key) ? Leaf(v) : key == "labels" ? Each(v, (_, label) => Leaf(label)) : Known(v);

    /// <summary>An object with each field filled (a secret object stays secret), or null when one cannot be; anything else must be known.</summary>
    private static PropertyValue? Each(PropertyValue map, Func<string, PropertyValue, PropertyValue?> each)
    {
        if (map.Unwrapped.Kind != PropertyKind.Object) return Known(map);
        var result = new Dictionary<string, PropertyValue>(StringComparer.Ordinal);
        foreach (var (k, v) in map.Unwrapped.AsObject)
        {
            if (each(k, v) is not { } filled) return null;
            result[k] = filled;
        }
        var value = PropertyValue.Of(result);
        return map.IsSecret ? PropertyValue.MakeSecret(value) : value;
    }
}

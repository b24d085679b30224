using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Speck.Host.Schema;
using Speck.Host.Values;

namespace Speck.Host.Resources;

/// <summary>
/// Records <see cref="WiredAsStringAttribute">wired as strings</see>: parsed into objects where values come in, so
/// that Check, Diff and the typed records see the object (and name its inner properties), and written back as one
/// JSON string where values go out. A string holding a secret goes out secret as a whole; one holding an unknown
/// is unknown as a whole (preview). Objects coming in (state written before the string form) pass as they are.
/// </summary>
public static class WiredStrings
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The map with every wired string parsed. The paths of the strings parsed are added to <paramref name="roots"/>;
    /// a string that is no JSON object adds a failure (in Check) and stays a string.
    /// </summary>
    public static PropertyMap Expand(ObjectShape shape, PropertyMap map, ICollection<string>? roots = null, ICollection<CheckFailureInfo>? failures = null) =>
        Walk(shape, map, (v, path) => Parse(v, path, shape.Find(path.Split('.', '[')[0])?.Description, roots, failures));

    /// <summary>The map with every wired object written as its JSON string.</summary>
    public static PropertyMap Collapse(ObjectShape shape, PropertyMap map) => Walk(shape, map, (v, _) => Write(v));

    /// <summary>
    /// The detailed diff with the keys inside a wired string folded into the string's own path: the engine lays a
    /// key's path over the property values to show it (pkg/engine/detailedDiff.go addDiff (pulumi v3.259.0)), and a
    /// path into a string names nothing there. The folded key replaces if any key inside it did.
    /// </summary>
    public static Dictionary<string, DiffKind> FoldDiff(Dictionary<string, DiffKind> detailed, IReadOnlyCollection<string> roots)
    {
        if (roots.Count == 0) return detailed;
        var folded = new Dictionary<string, DiffKind>(StringComparer.Ordinal);
        foreach (var (key, kind) in detailed)
        {
            var root = roots.FirstOrDefault(r => key.StartsWith(r + ".", StringComparison.Ordinal) || key.StartsWith(r + "[", StringComparison.Ordinal));
            if (root is null) { folded[key] = kind; continue; }
            var replace = kind.IsReplace() || (folded.TryGetValue(root, out var had) && had.IsReplace());
            folded[root] = replace ? DiffKind.UpdateReplace : DiffKind.Update;
        }
        return folded;
    }

    private static PropertyMap Walk(ObjectShape shape, PropertyMap map, Func<PropertyValue, string, PropertyValue> atWired) =>
        new(map.Select(kv => KeyValuePair.Create(kv.Key,
            shape.Find(kv.Key) is { } p ? Walk(p.Type, kv.Value, kv.Key, atWired) : kv.Value)));

    private static PropertyValue Walk(TypeShape shape, PropertyValue v, string path, Func<PropertyValue, string, PropertyValue> atWired)
    {
        if (v.IsSecret) return PropertyValue.MakeSecret(Walk(shape, v.SecretValue, path, atWired));
        switch (shape.Kind)
        {
            case ShapeKind.Object when shape.Object!.WiredAsString:
                return atWired(v, path);
            case ShapeKind.Object when v.Kind == PropertyKind.Object:
                return PropertyValue.Of(v.AsObject.Select(kv => KeyValuePair.Create(kv.Key,
                    shape.Object!.Find(kv.Key) is { } p ? Walk(p.Type, kv.Value, TypedBridge.Join(path, kv.Key), atWired) : kv.Value)));
            case ShapeKind.Array when v.Kind == PropertyKind.Array:
                return PropertyValue.Of(v.AsArray.Select((item, i) => Walk(shape.Item!, item, $"{path}[{i}]", atWired)));
            case ShapeKind.Map when v.Kind == PropertyKind.Object:
                return PropertyValue.Of(v.AsObject.Select(kv => KeyValuePair.Create(kv.Key, Walk(shape.Item!, kv.Value, TypedBridge.Join(path, kv.Key), atWired))));
            default:
                return v;
        }
    }

    /// <summary>The object a wired string holds, or null when it holds no JSON object.</summary>
    public static PropertyValue? ParseObject(string text)
    {
        try { return JsonNode.Parse(text) is JsonObject obj ? FromJson(obj) : null; }
        catch (JsonException) { return null; }
    }

    private static PropertyValue Parse(PropertyValue v, string path, string? description, ICollection<string>? roots, ICollection<CheckFailureInfo>? failures)
    {
        if (v.Kind != PropertyKind.String) return v;
        if (ParseObject(v.AsString) is not { } parsed)
        {
            var what = description is null ? "" : $" ({description.TrimEnd('.')})";
            failures?.Add(new(path, $"expected the JSON string another resource's output gives{what}, got {Excerpt.Of(v.AsString, 40)}"));
            return v;
        }
        roots?.Add(path);
        return parsed;
    }

    private static PropertyValue Write(PropertyValue v)
    {
        if (v.Kind != PropertyKind.Object) return v;
        if (v.ContainsUnknowns) return PropertyValue.Unknown;
        var text = TypedBridge.ToJson(v, "", null)!.ToJsonString(Compact);
        return v.ContainsSecrets ? PropertyValue.MakeSecret(PropertyValue.Of(text)) : PropertyValue.Of(text);
    }

    private static PropertyValue FromJson(JsonNode? node) => node switch
    {
        JsonObject o => PropertyValue.Of(o.Where(kv => kv.Value is not null).Select(kv => KeyValuePair.Create(kv.Key, FromJson(kv.Value)))),
        JsonArray a => PropertyValue.Of(a.Select(FromJson)),
        JsonValue j => j.GetValueKind() switch
        {
            JsonValueKind.String => PropertyValue.Of(j.GetValue<string>()),
            JsonValueKind.Number => PropertyValue.Of(j.GetValue<double>()),
            JsonValueKind.True => PropertyValue.True,
            JsonValueKind.False => PropertyValue.False,
            _ => PropertyValue.Null,
        },
        _ => PropertyValue.Null,
    };
}

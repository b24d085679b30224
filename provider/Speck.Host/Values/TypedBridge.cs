using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Speck.Host.Schema;

namespace Speck.Host.Values;

/// <summary>
/// Maps property bags to the C# records a resource is written against, and back. Secrets are unwrapped on the
/// way in (their paths remembered) and wrapped again on the way out, both where the schema says a property is
/// secret and wherever the input at the same path was secret, so no secret leaves the provider in plain text.
/// </summary>
public static class TypedBridge
{
    /// <summary>The record a property bag holds; a value that does not fit it throws <see cref="InvalidValueException"/>.</summary>
    public static T Decode<T>(PropertyMap map, JsonTypeInfo<T> info, ISet<string>? secretPaths = null)
    {
        var node = ToJson(map.AsValue(), "", secretPaths);
        try
        {
            return node.Deserialize(info) ?? throw new InvalidValueException("", "expected an object");
        }
        catch (JsonException e)
        {
            throw Unfit(e);
        }
    }

    /// <summary>
    /// A JSON contract's complaint in the terms of the property bag: the property path and what is wrong, without
    /// the .NET type names and reader positions System.Text.Json puts in its messages.
    /// </summary>
    private static InvalidValueException Unfit(JsonException e)
    {
        var path = e.Path is { Length: > 1 } p && p.StartsWith("$.", StringComparison.Ordinal) ? p[2..] : "";
        path = path.Replace("['", ".").Replace("']", "");
        const string missing = "missing required properties including: ";
        var at = e.Message.IndexOf(missing, StringComparison.Ordinal);
        if (at >= 0)
        {
            var names = e.Message[(at + missing.Length)..].TrimEnd('.').Replace("'", "");
            return new InvalidValueException(path, $"missing required property {Excerpt.Of(names, 200)}");
        }
        if (e.Message.Contains("maximum configured depth", StringComparison.Ordinal))
            return new InvalidValueException(path, "nested too deeply for the provider to read");
        return new InvalidValueException(path, "the value is not of the type the schema gives this property");
    }

    public static PropertyMap Encode<T>(T value, JsonTypeInfo<T> info, ObjectShape shape, ISet<string>? secretPaths = null)
    {
        var node = JsonSerializer.SerializeToNode(value, info) as JsonObject ?? new JsonObject();
        return new PropertyMap(FromObject(node, shape, "", secretPaths ?? new HashSet<string>()));
    }

    /// <summary>Plain JSON of a value: unknowns become absent, secrets are unwrapped (their paths collected).</summary>
    public static JsonNode? ToJson(PropertyValue v, string path, ISet<string>? secretPaths)
    {
        switch (v.Kind)
        {
            case PropertyKind.Null or PropertyKind.Unknown: return null;
            case PropertyKind.Secret:
                secretPaths?.Add(path);
                return ToJson(v.SecretValue, path, secretPaths);
            case PropertyKind.Bool: return JsonValue.Create(v.AsBool);
            case PropertyKind.Number:
                var d = v.AsNumber;
                // JSON has no NaN or infinities; the schema's numbers are finite (Check says so by name).
                if (!double.IsFinite(d)) throw new InvalidValueException(path, $"expected a finite number, got {d.ToString(CultureInfo.InvariantCulture)}");
                return d == Math.Floor(d) && Math.Abs(d) < 1e15 ? JsonValue.Create((long)d) : JsonValue.Create(d);
            case PropertyKind.String: return JsonValue.Create(v.AsString);
            case PropertyKind.Array:
                var arr = new JsonArray();
                var i = 0;
                foreach (var item in v.AsArray) arr.Add(ToJson(item, $"{path}[{i++}]", secretPaths));
                return arr;
            case PropertyKind.Object:
                var obj = new JsonObject();
                foreach (var (k, item) in v.AsObject)
                {
                    var child = ToJson(item, Join(path, k), secretPaths);
                    if (child is not null) obj[k] = child;
                }
                return obj;
            case PropertyKind.Asset:
                var a = v.AsAsset;
                return new JsonObject { ["hash"] = a.Hash, ["text"] = a.Text, ["path"] = a.Path, ["uri"] = a.Uri };
            case PropertyKind.Archive:
                var ar = v.AsArchive;
                return new JsonObject { ["hash"] = ar.Hash, ["path"] = ar.Path, ["uri"] = ar.Uri };
            case PropertyKind.ResourceRef:
                return JsonValue.Create(v.AsResourceRef.Id ?? v.AsResourceRef.Urn);
            default: throw new ArgumentOutOfRangeException(nameof(v));
        }
    }

    /// <summary>
    /// A property path as Pulumi writes them (<c>a.b[0].c</c>); a key that is empty or holds a path character is
    /// quoted (<c>labels["a.b"]</c>) so that every path names its property.
    /// </summary>
    public static string Join(string path, string key) =>
        key.Length == 0 || key.AsSpan().IndexOfAny(".[]\"\\") >= 0 ? $"{path}[\"{key.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"]"
        : path.Length == 0 ? key : $"{path}.{key}";

    private static IEnumerable<KeyValuePair<string, PropertyValue>> FromObject(JsonObject obj, ObjectShape shape, string path, ISet<string> secrets)
    {
        foreach (var (k, node) in obj)
        {
            if (node is null) continue;
            var prop = shape.Find(k);
            var p = Join(path, k);
            var value = FromJson(node, prop?.Type, p, secrets);
            yield return KeyValuePair.Create(k, prop?.Secret == true || secrets.Contains(p) ? PropertyValue.MakeSecret(value) : value);
        }
    }

    private static PropertyValue FromJson(JsonNode node, TypeShape? shape, string path, ISet<string> secrets)
    {
        switch (shape?.Kind)
        {
            case ShapeKind.Asset when node is JsonObject a:
                return PropertyValue.Of(new AssetValue(Str(a, "hash"), Str(a, "text"), Str(a, "path"), Str(a, "uri")));
            case ShapeKind.Archive when node is JsonObject ar:
                return PropertyValue.Of(new ArchiveValue(Str(ar, "hash"), Str(ar, "path"), Str(ar, "uri"), null));
            case ShapeKind.Object when node is JsonObject o:
                return PropertyValue.Of(FromObject(o, shape.Object!, path, secrets));
        }
        switch (node)
        {
            case JsonArray arr:
                return PropertyValue.Of(arr.Select((item, i) => Wrap(item is null ? PropertyValue.Null : FromJson(item, shape?.Item, $"{path}[{i}]", secrets), $"{path}[{i}]", secrets)));
            case JsonObject obj:
                return PropertyValue.Of(obj.Where(kv => kv.Value is not null).Select(kv =>
                    KeyValuePair.Create(kv.Key, Wrap(FromJson(kv.Value!, shape?.Item, Join(path, kv.Key), secrets), Join(path, kv.Key), secrets))));
            case JsonValue val:
                return val.GetValueKind() switch
                {
                    JsonValueKind.True => PropertyValue.True,
                    JsonValueKind.False => PropertyValue.False,
                    JsonValueKind.Number => PropertyValue.Of(val.GetValue<double>()),
                    JsonValueKind.String => PropertyValue.Of(val.GetValue<string>()),
                    _ => PropertyValue.Null,
                };
            default: return PropertyValue.Null;
        }
    }

    private static PropertyValue Wrap(PropertyValue v, string path, ISet<string> secrets) =>
        secrets.Contains(path) ? PropertyValue.MakeSecret(v) : v;

    private static string? Str(JsonObject o, string key) => o[key]?.GetValue<string>();

    public static string Render(double d) => d.ToString(CultureInfo.InvariantCulture);
}

using Speck.Host.Schema;
using Speck.Host.Values;

namespace Speck.Host.Resources;

/// <summary>
/// Compares old and new inputs property by property, down into objects and maps, so preview can name the exact
/// path that changed and whether it forces a replacement. An unknown new value always counts as a change.
/// With <c>absentIsDefault</c>, a top-level property left out counts as its schema default (as SDKs fill it in), so
/// spelling the default out, or leaving it out again, is no change.
/// </summary>
public static class PropertyDiffer
{
    public static Dictionary<string, DiffKind> Compare(ObjectShape shape, PropertyMap olds, PropertyMap news, IReadOnlyCollection<string> ignoreChanges,
        bool absentIsDefault = false)
    {
        var result = new Dictionary<string, DiffKind>(StringComparer.Ordinal);
        foreach (var p in shape.Properties)
        {
            if (ignoreChanges.Contains(p.Name)) continue;
            var dflt = absentIsDefault && p.Default is { } d ? DefaultValue(d) : null;
            CompareValue(p.Type, p.ReplaceOnChanges, olds.Get(p.Name) ?? dflt, news.Get(p.Name) ?? dflt, p.Name, result);
        }
        return result;
    }

    private static PropertyValue DefaultValue(object v) => v switch
    {
        bool b => PropertyValue.Of(b),
        int or long or double => PropertyValue.Of(Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)),
        _ => PropertyValue.Of(v.ToString()!),
    };

    private static void CompareValue(TypeShape shape, bool replace, PropertyValue? old, PropertyValue? @new, string path, Dictionary<string, DiffKind> result)
    {
        var o = old is null ? null : Plain(old);
        var n = @new is null ? null : Plain(@new);
        if (o is null && n is null) return;
        DiffKind kind;
        if (o is null) kind = DiffKind.Add;
        else if (n is null) kind = DiffKind.Delete;
        else if (n.ContainsUnknowns && (shape.Kind != ShapeKind.Object || n.IsUnknown)) kind = DiffKind.Update;
        else if (o.Equals(n)) return;
        else if (shape.Kind == ShapeKind.Object && o.Kind == PropertyKind.Object && n.Kind == PropertyKind.Object)
        {
            foreach (var p in shape.Object!.Properties)
                CompareValue(p.Type, replace || p.ReplaceOnChanges, Field(o, p.Name), Field(n, p.Name), $"{path}.{p.Name}", result);
            return;
        }
        else if (shape.Kind == ShapeKind.Map && o.Kind == PropertyKind.Object && n.Kind == PropertyKind.Object)
        {
            foreach (var key in o.AsObject.Keys.Union(n.AsObject.Keys))
                CompareValue(shape.Item!, replace, Field(o, key), Field(n, key), $"{path}.{key}", result);
            return;
        }
        else kind = DiffKind.Update;
        result[path] = replace ? kind.AsReplace() : kind;
    }

    private static PropertyValue? Field(PropertyValue obj, string key) =>
        obj.AsObject.TryGetValue(key, out var v) && !v.IsNull ? v : null;

    /// <summary>The value with secret wrappers removed: making a value secret is not a change of the value.</summary>
    public static PropertyValue Plain(PropertyValue v) => v.Kind switch
    {
        PropertyKind.Secret => Plain(v.SecretValue),
        PropertyKind.Array => PropertyValue.Of(v.AsArray.Select(Plain)),
        PropertyKind.Object => PropertyValue.Of(v.AsObject.Select(kv => KeyValuePair.Create(kv.Key, Plain(kv.Value)))),
        _ => v,
    };
}

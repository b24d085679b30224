using Speck.Host.Schema;
using Speck.Host.Values;

namespace Speck.Host.Resources;

/// <summary>
/// Checks a property bag against the shape of its C# type: required properties, types, enum values and
/// unknown names. Unknown values (preview) are never failures; secrets are checked through their wrapper.
/// </summary>
public static class ShapeValidator
{
    public static List<CheckFailureInfo> Validate(ObjectShape shape, PropertyMap map)
    {
        var failures = new List<CheckFailureInfo>();
        ValidateObject(shape, map.AsValue(), "", failures);
        return failures;
    }

    private static void ValidateObject(ObjectShape shape, PropertyValue value, string path, List<CheckFailureInfo> failures)
    {
        var fields = value.AsObject;
        foreach (var p in shape.Properties)
        {
            var present = fields.TryGetValue(p.Name, out var v) && !v.Unwrapped.IsNull;
            if (!present && p.Required)
                failures.Add(new(TypedBridge.Join(path, p.Name), $"missing required property '{p.Name}'"));
            else if (present)
                ValidateValue(p.Type, v!, TypedBridge.Join(path, p.Name), failures);
        }
        foreach (var key in fields.Keys.Where(k => shape.Find(k) is null))
        {
            var known = string.Join(", ", shape.Properties.Select(p => p.Name));
            failures.Add(new(TypedBridge.Join(path, key), $"unknown property '{key}'; expected one of: {known}"));
        }
    }

    private static void ValidateValue(TypeShape shape, PropertyValue v, string path, List<CheckFailureInfo> failures)
    {
        v = v.Unwrapped;
        if (v.IsUnknown || v.IsNull) return;
        string? expected = shape.Kind switch
        {
            ShapeKind.String when v.Kind != PropertyKind.String => "a string",
            ShapeKind.Boolean when v.Kind != PropertyKind.Bool => "a boolean",
            ShapeKind.Number when v.Kind != PropertyKind.Number => "a number",
            ShapeKind.Integer when v.Kind != PropertyKind.Number || v.AsNumber != Math.Floor(v.AsNumber) => "an integer",
            ShapeKind.Array when v.Kind != PropertyKind.Array => "a list",
            ShapeKind.Map or ShapeKind.Object when v.Kind != PropertyKind.Object => "an object",
            ShapeKind.Asset when v.Kind != PropertyKind.Asset => "an asset (e.g. fn::fileAsset)",
            ShapeKind.Archive when v.Kind != PropertyKind.Archive => "an archive",
            ShapeKind.Enum when v.Kind != PropertyKind.String => "a string",
            _ => null,
        };
        if (expected is not null)
        {
            failures.Add(new(path, $"expected {expected}, got {Describe(v)}"));
            return;
        }
        switch (shape.Kind)
        {
            case ShapeKind.Enum when shape.EnumMembers.All(m => m.Value != v.AsString):
                failures.Add(new(path, $"'{v.AsString}' is not allowed; expected one of: {string.Join(", ", shape.EnumMembers.Select(m => m.Value))}"));
                break;
            case ShapeKind.Object:
                ValidateObject(shape.Object!, v, path, failures);
                break;
            case ShapeKind.Array:
                for (var i = 0; i < v.AsArray.Length; i++) ValidateValue(shape.Item!, v.AsArray[i], $"{path}[{i}]", failures);
                break;
            case ShapeKind.Map:
                foreach (var (k, item) in v.AsObject) ValidateValue(shape.Item!, item, TypedBridge.Join(path, k), failures);
                break;
        }
    }

    private static string Describe(PropertyValue v) => v.Kind switch
    {
        PropertyKind.String => "a string",
        PropertyKind.Number => "a number",
        PropertyKind.Bool => "a boolean",
        PropertyKind.Array => "a list",
        PropertyKind.Object => "an object",
        _ => v.Kind.ToString().ToLowerInvariant(),
    };
}

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
        if (v.Kind == PropertyKind.Number && !double.IsFinite(v.AsNumber) && shape.Kind is ShapeKind.Number or ShapeKind.Integer)
        {
            failures.Add(new(path, RangeProblem(shape, v.AsNumber)!));
            return;
        }
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
        if (v.Kind == PropertyKind.Number && RangeProblem(shape, v.AsNumber) is { } problem)
        {
            failures.Add(new(path, problem));
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
                for (var i = 0; i < v.AsArray.Length; i++) ValidateItem(shape.Item!, v.AsArray[i], $"{path}[{i}]", failures);
                break;
            case ShapeKind.Map:
                foreach (var (k, item) in v.AsObject) ValidateItem(shape.Item!, item, TypedBridge.Join(path, k), failures);
                break;
        }
    }

    // A null element of a list or map is no value of the element type (the records' elements are never optional).
    private static void ValidateItem(TypeShape shape, PropertyValue item, string path, List<CheckFailureInfo> failures)
    {
        if (item.Unwrapped.IsNull && shape.Kind != ShapeKind.Any) failures.Add(new(path, "null is not allowed here"));
        else ValidateValue(shape, item, path, failures);
    }

    private static string? RangeProblem(TypeShape shape, double d)
    {
        if (!double.IsFinite(d)) return $"expected a finite number, got {Render(d)}";
        if (d < (shape.Minimum ?? double.MinValue) || d > (shape.Maximum ?? double.MaxValue))
            return $"{Render(d)} is out of range; expected {RangeText(shape)}";
        return null;
    }

    /// <summary>The range of a number shape in words, or null when it has none worth saying.</summary>
    public static string? RangeText(TypeShape shape) => (shape.Minimum, shape.Maximum) switch
    {
        ({ } min, { } max) => $"a value from {Render(min)} to {Render(max)}",
        ({ } min, null) => $"a value of at least {Render(min)}",
        (null, { } max) => $"a value of at most {Render(max)}",
        _ => null,
    };

    private static string Render(double d) => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

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

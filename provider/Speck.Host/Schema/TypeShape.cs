using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Speck.Host.Values;

namespace Speck.Host.Schema;

public enum ShapeKind { String, Integer, Number, Boolean, Array, Map, Object, Enum, Asset, Archive, Any }

public sealed record EnumMember(string Value, string Name, string? Description);

/// <summary>
/// What a property's values look like, read once from the System.Text.Json contract of the C# types.
/// One model serves the schema, Check's type validation, Diff's replace rules and the value mapping,
/// so the four cannot disagree.
/// </summary>
public sealed class TypeShape
{
    public required ShapeKind Kind { get; init; }
    public TypeShape? Item { get; init; }
    public ObjectShape? Object { get; init; }
    public IReadOnlyList<EnumMember> EnumMembers { get; init; } = [];
    public string? EnumToken { get; init; }
    /// <summary>The least and greatest value of a number (from the C# type, or <see cref="SchemaRangeAttribute"/>).</summary>
    public double? Minimum { get; init; }
    public double? Maximum { get; init; }
    /// <summary>The range was stated for the property (not merely the C# type's), so the schema says it.</summary>
    public bool RangeStated { get; init; }
}

public sealed record PropertyShape(
    string Name, TypeShape Type, bool Required, bool Secret, bool ReplaceOnChanges, string? Description, object? Default);

public sealed class ObjectShape
{
    public required string Token { get; init; }
    public string? Description { get; init; }
    public required IReadOnlyList<PropertyShape> Properties { get; init; }
    /// <summary>Values of this type are JSON strings on the wire (<see cref="WiredAsStringAttribute"/>).</summary>
    public bool WiredAsString { get; init; }

    private Dictionary<string, PropertyShape>? _byName;
    public PropertyShape? Find(string name) =>
        (_byName ??= Properties.ToDictionary(p => p.Name, StringComparer.Ordinal)).GetValueOrDefault(name);
}

/// <summary>Builds shapes from a JSON contract (source-generated in the provider, so this stays AOT-safe).</summary>
public sealed class ShapeBuilder(JsonSerializerOptions options, string package)
{
    private readonly Dictionary<Type, ObjectShape> _objects = [];

    /// <summary>Every nested object and enum type met so far, by token, for the schema's <c>types</c>.</summary>
    public Dictionary<string, TypeShape> NamedTypes { get; } = new(StringComparer.Ordinal);

    public ObjectShape Object(Type type, string? token = null)
    {
        if (_objects.TryGetValue(type, out var known)) return known;
        var info = options.GetTypeInfo(type);
        if (info.Kind != JsonTypeInfoKind.Object) throw new ArgumentException($"{type.Name} is not an object type");
        var props = new List<PropertyShape>();
        var shape = new ObjectShape
        {
            Token = token ?? TokenOf(type),
            Description = type.GetCustomAttribute<DescriptionAttribute>()?.Description,
            Properties = props,
            WiredAsString = type.IsDefined(typeof(WiredAsStringAttribute), false),
        };
        _objects[type] = shape; // before recursing, so self-references terminate
        foreach (var p in info.Properties)
        {
            var attrs = p.AttributeProvider;
            bool Has<T>() where T : Attribute => attrs?.IsDefined(typeof(T), true) == true;
            var description = (attrs?.GetCustomAttributes(typeof(DescriptionAttribute), true).FirstOrDefault() as DescriptionAttribute)?.Description;
            var dflt = (attrs?.GetCustomAttributes(typeof(SchemaDefaultAttribute), true).FirstOrDefault() as SchemaDefaultAttribute)?.Value;
            var range = attrs?.GetCustomAttributes(typeof(SchemaRangeAttribute), true).FirstOrDefault() as SchemaRangeAttribute;
            var valueShape = Shape(p.PropertyType);
            if (range is not null)
                valueShape = new TypeShape
                {
                    Kind = valueShape.Kind, RangeStated = true,
                    Minimum = Math.Max(range.Minimum, valueShape.Minimum ?? double.MinValue),
                    Maximum = Math.Min(range.Maximum, valueShape.Maximum ?? double.MaxValue),
                };
            props.Add(new PropertyShape(p.Name, valueShape, p.IsRequired, Has<SecretAttribute>(),
                Has<ReplaceOnChangesAttribute>(), description, dflt));
        }
        return shape;
    }

    public TypeShape Shape(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return new TypeShape { Kind = ShapeKind.String };
        if (type == typeof(bool)) return new TypeShape { Kind = ShapeKind.Boolean };
        // A long is bounded by what a double (the wire's number) holds exactly.
        if (type == typeof(int)) return new TypeShape { Kind = ShapeKind.Integer, Minimum = int.MinValue, Maximum = int.MaxValue };
        if (type == typeof(long)) return new TypeShape { Kind = ShapeKind.Integer, Minimum = -9007199254740991, Maximum = 9007199254740991 };
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return new TypeShape { Kind = ShapeKind.Number };
        if (type == typeof(AssetValue)) return new TypeShape { Kind = ShapeKind.Asset };
        if (type == typeof(ArchiveValue)) return new TypeShape { Kind = ShapeKind.Archive };
        if (type == typeof(JsonElement) || type == typeof(object)) return new TypeShape { Kind = ShapeKind.Any };
        if (type.IsEnum) return EnumShape(type);
        var info = options.GetTypeInfo(type);
        return info.Kind switch
        {
            JsonTypeInfoKind.Dictionary => new TypeShape { Kind = ShapeKind.Map, Item = Shape(info.ElementType!) },
            JsonTypeInfoKind.Enumerable => new TypeShape { Kind = ShapeKind.Array, Item = Shape(info.ElementType!) },
            JsonTypeInfoKind.Object => Named(new TypeShape { Kind = ShapeKind.Object, Object = Object(type) }),
            _ => throw new NotSupportedException($"no schema shape for {type.Name}"),
        };
    }

    private TypeShape Named(TypeShape shape)
    {
        // A record wired as a string is a string in the schema: no type of its own.
        if (!shape.Object!.WiredAsString) NamedTypes[shape.Object.Token] = shape;
        return shape;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "Enum fields are kept: enums used by the contract are rooted by the JSON context.")]
    private TypeShape EnumShape(Type type)
    {
        var members = type.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => new EnumMember(
            f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name,
            f.Name,
            f.GetCustomAttribute<DescriptionAttribute>()?.Description)).ToList();
        var token = TokenOf(type);
        var shape = new TypeShape { Kind = ShapeKind.Enum, EnumMembers = members, EnumToken = token };
        NamedTypes[token] = shape;
        return shape;
    }

    private string TokenOf(Type type) =>
        type.GetCustomAttribute<SchemaTokenAttribute>()?.Token ?? $"{package}:index:{type.Name}";
}

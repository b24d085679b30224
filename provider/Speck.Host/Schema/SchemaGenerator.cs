using System.Text.Json;
using System.Text.Json.Nodes;
using Speck.Host.Resources;

namespace Speck.Host.Schema;

/// <summary>Writes the Pulumi package schema from the shapes of the provider's C# types.</summary>
public static class SchemaGenerator
{
    public static string Generate(ProviderDefinition provider)
    {
        var pkg = provider.Package;
        var resources = new JsonObject();
        foreach (var r in provider.Resources.OrderBy(r => r.Token, StringComparer.Ordinal))
            resources[r.Token] = ResourceSpec(r);
        // A component is a resource with isComponent: SDKs register it remote, so the engine calls Construct.
        foreach (var c in provider.Components.OrderBy(c => c.Token, StringComparer.Ordinal))
            resources[c.Token] = ComponentSpec(c);
        var config = Properties(provider.ConfigShape);
        var types = new JsonObject();
        foreach (var (token, shape) in provider.Contracts.Shapes.NamedTypes.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            types[token] = TypeSpec(shape);

        var schema = new JsonObject
        {
            ["name"] = pkg.Name,
            ["displayName"] = pkg.DisplayName,
            ["version"] = pkg.Version,
            ["description"] = pkg.Description,
            ["keywords"] = new JsonArray(pkg.Keywords.Select(k => (JsonNode?)JsonValue.Create(k)).ToArray()),
            ["homepage"] = pkg.Homepage,
            ["repository"] = pkg.Repository,
            ["license"] = pkg.License,
            ["publisher"] = pkg.Publisher,
            ["meta"] = new JsonObject { ["moduleFormat"] = "(.*)" },
            ["config"] = new JsonObject { ["variables"] = config },
            ["provider"] = new JsonObject
            {
                ["description"] = $"The provider type for the {pkg.Name} package.",
                ["inputProperties"] = Properties(provider.ConfigShape),
            },
            ["types"] = types,
            ["resources"] = resources,
            ["language"] = new JsonObject(pkg.Languages.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value.DeepClone()))),
        };
        return schema.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    private static JsonObject ResourceSpec(IResourceHandler r)
    {
        var spec = new JsonObject
        {
            ["description"] = r.Description,
            ["inputProperties"] = Properties(r.Inputs),
            ["requiredInputs"] = Names(r.Inputs.Properties.Where(p => p.Required)),
            ["properties"] = Properties(r.Outputs),
            ["required"] = Names(r.Outputs.Properties.Where(p => p.Required)),
        };
        return spec;
    }

    private static JsonObject ComponentSpec(IComponentHandler c) => new()
    {
        ["description"] = c.Description,
        ["isComponent"] = true,
        ["inputProperties"] = Properties(c.Inputs),
        ["requiredInputs"] = Names(c.Inputs.Properties.Where(p => p.Required)),
        ["properties"] = Properties(c.Outputs),
        ["required"] = Names(c.Outputs.Properties.Where(p => p.Required)),
    };

    private static JsonArray Names(IEnumerable<PropertyShape> props) =>
        new(props.Select(p => (JsonNode?)JsonValue.Create(p.Name)).ToArray());

    private static JsonObject Properties(ObjectShape shape)
    {
        var props = new JsonObject();
        foreach (var p in shape.Properties.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            var spec = TypeRef(p.Type);
            // Pulumi's schema has no number ranges: a stated one goes into the description, where docs show it.
            var range = p.Type.RangeStated ? Resources.ShapeValidator.RangeText(p.Type) : null;
            var description = range is null ? p.Description : $"{p.Description} Must be {range}.".TrimStart();
            if (description is not null) spec["description"] = description;
            if (p.Default is not null) spec["default"] = DefaultValue(p.Default);
            if (p.Secret) spec["secret"] = true;
            if (p.ReplaceOnChanges) spec["replaceOnChanges"] = true;
            props[p.Name] = spec;
        }
        return props;
    }

    private static JsonNode DefaultValue(object v) => v switch
    {
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        _ => JsonValue.Create(v.ToString()!),
    };

    private static JsonObject TypeRef(TypeShape t) => t.Kind switch
    {
        ShapeKind.String => new JsonObject { ["type"] = "string" },
        ShapeKind.Integer => new JsonObject { ["type"] = "integer" },
        ShapeKind.Number => new JsonObject { ["type"] = "number" },
        ShapeKind.Boolean => new JsonObject { ["type"] = "boolean" },
        ShapeKind.Array => new JsonObject { ["type"] = "array", ["items"] = TypeRef(t.Item!) },
        ShapeKind.Map => new JsonObject { ["type"] = "object", ["additionalProperties"] = TypeRef(t.Item!) },
        ShapeKind.Object when t.Object!.WiredAsString => new JsonObject { ["type"] = "string" },
        ShapeKind.Object => new JsonObject { ["$ref"] = $"#/types/{t.Object!.Token}" },
        ShapeKind.Enum => new JsonObject { ["$ref"] = $"#/types/{t.EnumToken}" },
        ShapeKind.Asset => new JsonObject { ["$ref"] = "pulumi.json#/Asset" },
        ShapeKind.Archive => new JsonObject { ["$ref"] = "pulumi.json#/Archive" },
        _ => new JsonObject { ["$ref"] = "pulumi.json#/Any" },
    };

    private static JsonObject TypeSpec(TypeShape t)
    {
        if (t.Kind == ShapeKind.Enum)
            return new JsonObject
            {
                ["type"] = "string",
                ["enum"] = new JsonArray(t.EnumMembers.Select(m =>
                {
                    var e = new JsonObject { ["value"] = m.Value, ["name"] = m.Name };
                    if (m.Description is not null) e["description"] = m.Description;
                    return (JsonNode?)e;
                }).ToArray()),
            };
        var o = t.Object!;
        var spec = new JsonObject { ["type"] = "object", ["properties"] = Properties(o) };
        if (o.Description is not null) spec["description"] = o.Description;
        var required = o.Properties.Where(p => p.Required).ToList();
        if (required.Count > 0) spec["required"] = Names(required);
        return spec;
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Speck.SdkGen.Schema;

/// <summary>Binds type specs, properties, object types, enums and resources of one package.</summary>
internal sealed partial class TypeBinder(string packageName, JsonObject types)
{
    private static readonly HashSet<string> PropertyKeys =
        ["type", "items", "additionalProperties", "$ref", "description", "secret", "default", "replaceOnChanges"];
    private static readonly HashSet<string> ResourceKeys =
        ["type", "description", "isComponent", "inputProperties", "requiredInputs", "properties", "required"];
    private static readonly HashSet<string> Primitives = ["string", "integer", "number", "boolean"];

    /// <summary>Only the root module: `pkg:index:Name` (TokenToModule maps `index` to the root).</summary>
    public void CheckToken(string token, string path)
    {
        var parts = token.Split(':');
        if (parts.Length != 3 || parts[0] != packageName)
            throw new UnsupportedSchemaException(path, $"token '{token}' is not '{packageName}:<module>:<Name>'");
        if (parts[1] is not ("index" or ""))
            throw new UnsupportedSchemaException(path, $"module '{parts[1]}': only the root module (index) is supported");
        if (!PascalIdentifier().IsMatch(parts[2]))
            throw new UnsupportedSchemaException(path, $"'{parts[2]}' is not a PascalCase identifier");
    }

    public ObjectTypeDef Object(string token, JsonObject spec, string path)
    {
        SchemaReader.OnlyKeys(spec, path, ["type", "properties", "required", "description"]);
        if (SchemaReader.Str(spec, "type", path) != "object")
            throw new UnsupportedSchemaException($"{path}.type", "a type is an object or a string enum");
        var props = Properties(spec["properties"]?.AsObject(), Names(spec["required"]), path + ".properties",
            allowDefaults: false);
        // Nested replaceOnChanges paths (`a.b`) are not emitted here.
        if (props.FirstOrDefault(p => p.ReplaceOnChanges) is { } nested)
            throw new UnsupportedSchemaException($"{path}.properties.{nested.Name}.replaceOnChanges", "replaceOnChanges inside an object type");
        var name = token.Split(':')[2];
        if (props.FirstOrDefault(p => Dotnet.DotnetNames.PropertyName(p) == name) is { } clash)
            throw new UnsupportedSchemaException($"{path}.properties.{clash.Name}", "a property named like its type");
        return new ObjectTypeDef(token, SchemaReader.Str(spec, "description", path) ?? "", props);
    }

    public EnumTypeDef Enum(string token, JsonObject spec, string path)
    {
        SchemaReader.OnlyKeys(spec, path, ["type", "enum", "description"]);
        if (SchemaReader.Str(spec, "type", path) != "string")
            throw new UnsupportedSchemaException($"{path}.type", "only string enums are supported");
        var values = new List<EnumValue>();
        var i = 0;
        foreach (var e in spec["enum"]!.AsArray())
        {
            var ep = $"{path}.enum[{i++}]";
            var element = e!.AsObject();
            SchemaReader.OnlyKeys(element, ep, ["value", "name", "description"]);
            var value = SchemaReader.Str(element, "value", ep) ?? throw new UnsupportedSchemaException(ep, "no string value");
            var name = SchemaReader.Str(element, "name", ep) ?? value;
            // makeSafeEnumName (codegen/dotnet and nodejs utilities.go) upper-cases the first letter of an
            // alphanumeric name; the rest of what it rewrites (punctuation, leading digits, `Equals`) is not
            // reproduced here.
            if (!AlphanumericIdentifier().IsMatch(name) || name == "equals" || name == "Equals")
                throw new UnsupportedSchemaException(ep, $"enum member name '{name}' is not an alphanumeric identifier");
            name = GoText.UppercaseFirst(name);
            values.Add(new EnumValue(name, value, SchemaReader.Str(element, "description", ep) ?? ""));
        }
        return new EnumTypeDef(token, SchemaReader.Str(spec, "description", path) ?? "", values);
    }

    public ResourceDef Resource(string token, JsonObject spec, string path, bool isProvider)
    {
        SchemaReader.OnlyKeys(spec, path, ResourceKeys);
        // A resource spec embeds an object type spec, whose `type` can only be `object`.
        if (SchemaReader.Str(spec, "type", path) is { } t && t != "object")
            throw new UnsupportedSchemaException(path + ".type", $"a resource's type is 'object', not '{t}'");
        var inputs = Properties(spec["inputProperties"]?.AsObject(), Names(spec["requiredInputs"]),
            path + ".inputProperties", allowDefaults: true);
        var outputs = Properties(spec["properties"]?.AsObject(), Names(spec["required"]), path + ".properties",
            allowDefaults: true);
        if (isProvider && outputs.Count > 0)
            throw new UnsupportedSchemaException(path + ".properties", "provider outputs are not supported");
        var isComponent = spec["isComponent"] switch
        {
            null => false,
            JsonValue v when v.TryGetValue<bool>(out var b) => b,
            _ => throw new UnsupportedSchemaException(path + ".isComponent", "isComponent is true or false"),
        };
        if (isProvider && isComponent) throw new UnsupportedSchemaException(path + ".isComponent", "a provider is not a component");
        return new ResourceDef(token, SchemaReader.Str(spec, "description", path) ?? "", inputs, outputs, isProvider) { IsComponent = isComponent };
    }

    public IReadOnlyList<Property> Properties(JsonObject? specs, IReadOnlyList<string> required, string path, bool allowDefaults)
    {
        var result = new List<Property>();
        specs ??= [];
        foreach (var r in required)
            if (!specs.ContainsKey(r))
                throw new UnsupportedSchemaException(path, $"unknown required property '{r}'");
        // bind.go bindProperties: sorted by name (ordinal).
        foreach (var (name, node) in specs.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var pp = $"{path}.{name}";
            if (!SchemaReader.IdentifierCamel().IsMatch(name))
                throw new UnsupportedSchemaException(pp, "property names must be camelCase identifiers");
            var spec = node!.AsObject();
            SchemaReader.OnlyKeys(spec, pp, PropertyKeys);
            var type = Type(spec, pp);
            DefaultValue? dv = null;
            if (spec["default"] is { } d)
            {
                if (!allowDefaults)
                    throw new UnsupportedSchemaException(pp + ".default", "defaults inside object types are not supported");
                dv = Default(d, type, pp + ".default");
            }
            result.Add(new Property(name, SchemaReader.Str(spec, "description", pp) ?? "", type, required.Contains(name),
                spec["secret"]?.GetValue<bool>() ?? false, dv, spec["replaceOnChanges"]?.GetValue<bool>() ?? false));
        }
        return result;
    }

    private DefaultValue Default(JsonNode node, TypeRef type, string path)
    {
        var kind = node.GetValueKind();
        object value = (type, kind) switch
        {
            (PrimitiveType { Name: "string" }, JsonValueKind.String) => node.GetValue<string>(),
            (EnumRef e, JsonValueKind.String) => EnumDefault(e, node.GetValue<string>(), path),
            (PrimitiveType { Name: "integer" }, JsonValueKind.Number) => node.GetValue<long>(),
            (PrimitiveType { Name: "number" }, JsonValueKind.Number) => node.GetValue<double>(),
            (PrimitiveType { Name: "boolean" }, JsonValueKind.True or JsonValueKind.False) => node.GetValue<bool>(),
            _ => throw new UnsupportedSchemaException(path, $"a {kind} default for this type is not supported"),
        };
        return new DefaultValue(value);
    }

    private string EnumDefault(EnumRef e, string value, string path)
    {
        var values = types[e.Token]!["enum"]!.AsArray().Select(v => v!["value"]!.GetValue<string>());
        if (!values.Contains(value))
            throw new UnsupportedSchemaException(path, $"default '{value}' is not a member of {e.Token}");
        return value;
    }

    private TypeRef Type(JsonObject spec, string path)
    {
        if (spec["$ref"] is { } refNode)
        {
            // bindTypeSpec follows a $ref and ignores `type` beside it (pkg/codegen/schema/bind.go).
            var r = refNode.GetValue<string>();
            switch (r)
            {
                case "pulumi.json#/Any": return new AnyType();
                case "pulumi.json#/Asset": return new AssetType();
            }
            if (!r.StartsWith("#/types/", StringComparison.Ordinal))
                throw new UnsupportedSchemaException(path + ".$ref", $"reference '{r}' is not supported");
            var token = r["#/types/".Length..];
            if (types[token] is not JsonObject target)
                throw new UnsupportedSchemaException(path + ".$ref", $"no type '{token}'");
            return target["enum"] is not null ? new EnumRef(token) : new ObjectRef(token);
        }
        var type = SchemaReader.Str(spec, "type", path) ?? throw new UnsupportedSchemaException(path, "no type");
        if (Primitives.Contains(type))
        {
            if (spec["items"] is not null || spec["additionalProperties"] is not null)
                throw new UnsupportedSchemaException(path, "items/additionalProperties on a primitive");
            return new PrimitiveType(type);
        }
        return type switch
        {
            "array" => new ArrayType(Nested(spec["items"], path + ".items")),
            "object" => new MapType(Nested(spec["additionalProperties"], path + ".additionalProperties")),
            _ => throw new UnsupportedSchemaException(path + ".type", $"type '{type}' is not supported"),
        };
    }

    private TypeRef Nested(JsonNode? node, string path)
    {
        var spec = node?.AsObject() ?? throw new UnsupportedSchemaException(path, "missing element type");
        SchemaReader.OnlyKeys(spec, path, ["type", "items", "additionalProperties", "$ref"]);
        return Type(spec, path);
    }

    private static List<string> Names(JsonNode? node) =>
        (node?.AsArray() ?? []).Select(n => n!.GetValue<string>()).ToList();

    [GeneratedRegex("^[A-Z][A-Za-z0-9]*$")]
    private static partial Regex PascalIdentifier();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]*$")]
    private static partial Regex AlphanumericIdentifier();
}

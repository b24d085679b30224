using System.Text.Json.Nodes;

namespace Speck.Harness.Program;

/// <summary>
/// The type check pulumi-yaml runs on a program before anything runs (TypeCheck, pkg/pulumiyaml/run.go:496, 555;
/// analyser.go (pulumi-yaml v1.38.1); docs/pulumi-engine.md §YAML type check), against the provider's schema as
/// GetSchema returns it. Errors, not warnings: a resource property the type's <c>inputProperties</c> lacks
/// (analyser.go:427-456), a required input left out (:410-414), and a property access <c>${res.a.b}</c> naming
/// something the resource's outputs (<c>properties</c>, plus id and urn) or the object type along the way lack
/// (typePropertyAccess, :945-1064). The types of values are not checked here.
/// </summary>
public static class SchemaCheck
{
    /// <summary>The resource types the schema marks <c>isComponent</c> (packages.go:525-530 (pulumi-yaml v1.38.1)).</summary>
    public static IReadOnlySet<string> ComponentTypes(JsonObject schema) =>
        (schema["resources"] as JsonObject ?? new JsonObject())
            .Where(kv => kv.Value?["isComponent"] is JsonValue v && v.TryGetValue<bool>(out var b) && b)
            .Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);

    public static List<string> Errors(YamlProgram program, JsonObject schema)
    {
        var errors = new List<string>();
        var resources = schema["resources"] as JsonObject ?? new JsonObject();
        var byName = program.Resources.ToDictionary(r => r.Name);
        foreach (var r in program.Resources)
        {
            if (resources[r.Type] is not JsonObject res) continue;
            var inputs = res["inputProperties"] as JsonObject ?? new JsonObject();
            foreach (var (key, _) in r.Properties)
                if (!inputs.ContainsKey(key))
                    errors.Add($"{r.Name}: Property {key} does not exist on '{r.Type}'; {Existing(inputs.Select(kv => kv.Key), key)}");
            foreach (var required in (res["requiredInputs"] as JsonArray ?? []).Select(n => n!.GetValue<string>()))
                if (!r.Properties.ContainsKey(required))
                    errors.Add($"{r.Name}: Missing required property '{required}'");
        }
        void Access(string where, JsonNode? template)
        {
            foreach (var expr in Templates(template))
            {
                var root = Expressions.RootOf(expr);
                if (!byName.TryGetValue(root, out var target) || resources[target.Type] is not JsonObject res) continue;
                var outputs = (res["properties"] as JsonObject ?? new JsonObject()).ToDictionary(kv => kv.Key, kv => kv.Value);
                outputs.TryAdd("id", new JsonObject { ["type"] = "string" });
                outputs.TryAdd("urn", new JsonObject { ["type"] = "string" });
                if (Walk(schema, root, new JsonObject(outputs.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone()))), expr[root.Length..]) is { } problem)
                    errors.Add($"{where}: ${{{expr}}}: {problem}");
            }
        }
        foreach (var r in program.Resources) Access(r.Name, r.Properties);
        foreach (var (k, v) in program.Outputs) Access($"outputs.{k}", v);
        return errors;
    }

    private static IEnumerable<string> Templates(JsonNode? template) => template switch
    {
        JsonObject o => o.SelectMany(kv => Templates(kv.Value)),
        JsonArray a => a.SelectMany(Templates),
        JsonValue v when v.TryGetValue<string>(out var s) => Expressions.Reference().Matches(s).Select(m => m.Groups[1].Value.Trim()),
        _ => [],
    };

    /// <summary>typePropertyAccess: down object properties, map values and array items; anything else ends the check.</summary>
    private static string? Walk(JsonObject schema, string running, JsonObject properties, string path)
    {
        JsonNode? type = new JsonObject { ["type"] = "object", ["properties"] = properties };
        foreach (var segment in Expressions.Segments(path))
        {
            type = Resolve(schema, type);
            if (type is null) return null;
            var kind = type["type"]?.GetValue<string>();
            if (segment is string name && kind == "object" && type["properties"] is JsonObject props)
            {
                if (!props.TryGetPropertyValue(name, out var next))
                    return $"{name} does not exist on {running}; {Existing(props.Select(kv => kv.Key), name)}";
                (type, running) = (next, $"{running}.{name}");
            }
            else if (kind == "object" && type["additionalProperties"] is { } values) (type, running) = (values, $"{running}[{segment}]");
            else if (segment is int i && kind == "array") (type, running) = (type["items"], $"{running}[{i}]");
            else if (kind is null || type.AsObject().ContainsKey("oneOf")) return null; // any, or a union the harness does not type
            else return $"cannot access '{segment}' on '{running}' (type {kind})";
        }
        return null;
    }

    private static JsonNode? Resolve(JsonObject schema, JsonNode? type)
    {
        if (type?["$ref"]?.GetValue<string>() is { } r)
            return r.StartsWith("#/types/", StringComparison.Ordinal) ? schema["types"]?[Uri.UnescapeDataString(r["#/types/".Length..])] : null;
        return type;
    }

    private static string Existing(IEnumerable<string> fields, string wanted)
    {
        var list = fields.OrderBy(f => Distance(f, wanted)).ThenBy(f => f, StringComparer.Ordinal).ToList();
        if (list.Count == 0) return "it has no properties";
        var shown = string.Join(", ", list.Take(5));
        return "Existing properties are: " + (list.Count > 5 ? $"{shown} and {list.Count - 5} other{(list.Count - 5 == 1 ? "" : "s")}" : shown);
    }

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }
}

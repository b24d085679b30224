using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Serialization;

namespace Speck.Tests.FlinkStandIn;

/// <summary>
/// Flink 1.20's own REST description (../shared/schemas/flink-rest-v1-openapi.yml, docs/flink-rest.md §OpenAPI file),
/// read in place, and a checker that compares a response body with the schema the spec gives for it.
/// </summary>
public sealed class OpenApiSpec
{
    private readonly Dictionary<object, object> _paths;
    private readonly Dictionary<object, object> _schemas;

    private OpenApiSpec(Dictionary<object, object> root)
    {
        _paths = (Dictionary<object, object>)root["paths"];
        _schemas = (Dictionary<object, object>)((Dictionary<object, object>)root["components"])["schemas"];
    }

    public static OpenApiSpec Load()
    {
        var path = Path.Combine(RepoPaths.Shared, "schemas", "flink-rest-v1-openapi.yml");
        var root = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(File.ReadAllText(path));
        return new OpenApiSpec(root);
    }

    public Dictionary<object, object>? Operation(string template, string method) =>
        _paths.TryGetValue(template, out var p) && ((Dictionary<object, object>)p).TryGetValue(method.ToLowerInvariant(), out var op)
            ? (Dictionary<object, object>)op : null;

    public IReadOnlyList<string> SuccessCodes(Dictionary<object, object> operation) =>
        ((Dictionary<object, object>)operation["responses"]).Keys.Select(k => k.ToString()!).ToList();

    /// <summary>The JSON schema of the response for a status, or null when the spec documents no body.</summary>
    public object? ResponseSchema(Dictionary<object, object> operation, string status) => JsonSchemaOf(
        ((Dictionary<object, object>)operation["responses"]).GetValueOrDefault(status) as Dictionary<object, object>);

    public object? RequestSchema(Dictionary<object, object> operation) =>
        JsonSchemaOf(operation.GetValueOrDefault("requestBody") as Dictionary<object, object>);

    /// <summary>Properties of a request body schema (after <c>$ref</c>), with their schemas.</summary>
    public IReadOnlyDictionary<string, object> Properties(object schema)
    {
        var s = Resolve(schema, out _);
        return s.TryGetValue("properties", out var p)
            ? ((Dictionary<object, object>)p).ToDictionary(kv => kv.Key.ToString()!, kv => kv.Value)
            : new Dictionary<string, object>();
    }

    /// <summary>A value a strict parser accepts for this schema: a sample for request-field checks.</summary>
    public JsonNode? Sample(object schema)
    {
        var s = Resolve(schema, out _);
        if (s.TryGetValue("enum", out var e)) return ((List<object>)e)[0].ToString();
        if (s.TryGetValue("pattern", out var pattern) && pattern.ToString() == "[0-9a-f]{32}") return new string('a', 32);
        return (s.GetValueOrDefault("type")?.ToString()) switch
        {
            "string" => "sample",
            "integer" => 1,
            "number" => 1.5,
            "boolean" => true,
            "array" => new JsonArray(Sample(s["items"])),
            "object" when s.TryGetValue("additionalProperties", out var ap) => new JsonObject { ["k"] = Sample(ap) },
            _ => new JsonObject(),
        };
    }

    /// <summary>Checks a body against a schema; returns the problems found (empty = conforms).</summary>
    public List<string> Check(JsonNode? body, object schema, WireExceptions exceptions)
    {
        var problems = new List<string>();
        Check(body, schema, "$", null, exceptions, problems);
        return problems;
    }

    private void Check(JsonNode? node, object schema, string where, string? schemaName, WireExceptions exceptions, List<string> problems)
    {
        var s = Resolve(schema, out var refName);
        schemaName = refName ?? schemaName;
        if (refName is not null && exceptions.WireShapes.TryGetValue(refName, out var wire))
        {
            wire(node, where, problems);
            return;
        }
        // A polymorphic schema: the discriminator property names the subtype to check against.
        if (s.TryGetValue("discriminator", out var d) && node is JsonObject polymorphic)
        {
            var discriminator = (Dictionary<object, object>)d;
            var mapping = (Dictionary<object, object>)discriminator["mapping"];
            var value = (string?)polymorphic[discriminator["propertyName"].ToString()!];
            if (value is null || !mapping.TryGetValue(value, out var target)) { problems.Add($"{where}: unknown {discriminator["propertyName"]} '{value}'"); return; }
            Check(node, new Dictionary<object, object> { ["$ref"] = target }, where, null, exceptions, problems);
            return;
        }
        if (s.ContainsKey("allOf")) s = Merged(s);
        if (s.TryGetValue("oneOf", out var oneOf))
        {
            var alternatives = ((List<object>)oneOf).Select(alt => { var p = new List<string>(); Check(node, alt, where, null, exceptions, p); return p; }).ToList();
            if (alternatives.All(p => p.Count > 0)) problems.Add($"{where}: matches none of oneOf ({string.Join(" | ", alternatives.Select(p => p[0]))})");
            return;
        }
        if (node is null) { problems.Add($"{where}: null"); return; }
        var type = s.GetValueOrDefault("type")?.ToString();
        switch (type)
        {
            case "object":
                CheckObject(node, s, where, schemaName, exceptions, problems);
                break;
            case "array":
                if (node is not JsonArray array) { problems.Add($"{where}: expected array"); break; }
                for (var i = 0; i < array.Count; i++) Check(array[i], s["items"], $"{where}[{i}]", null, exceptions, problems);
                break;
            case "string":
                if (node.GetValueKind() != JsonValueKind.String) { problems.Add($"{where}: expected string"); break; }
                var text = node.GetValue<string>();
                if (s.TryGetValue("enum", out var e) && !((List<object>)e).Select(x => x.ToString()).Contains(text))
                    problems.Add($"{where}: '{text}' not in enum");
                if (s.TryGetValue("pattern", out var pattern) && !Regex.IsMatch(text, $"^(?:{pattern})$"))
                    problems.Add($"{where}: '{text}' does not match {pattern}");
                break;
            case "integer":
                if (node.GetValueKind() != JsonValueKind.Number || !long.TryParse(node.ToJsonString(), out var n)) { problems.Add($"{where}: expected integer"); break; }
                if (s.GetValueOrDefault("format")?.ToString() == "int32" && n is < int.MinValue or > int.MaxValue) problems.Add($"{where}: beyond int32");
                break;
            case "number":
                if (node.GetValueKind() != JsonValueKind.Number) problems.Add($"{where}: expected number");
                break;
            case "boolean":
                if (node.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)) problems.Add($"{where}: expected boolean");
                break;
        }
    }

    private void CheckObject(JsonNode node, Dictionary<object, object> s, string where, string? schemaName, WireExceptions exceptions, List<string> problems)
    {
        if (node is not JsonObject obj) { problems.Add($"{where}: expected object"); return; }
        if (s.TryGetValue("additionalProperties", out var additional))
        {
            foreach (var (k, v) in obj) Check(v, additional, $"{where}.{k}", null, exceptions, problems);
            return;
        }
        if (!s.TryGetValue("properties", out var p)) return; // RawJson: any object
        var properties = ((Dictionary<object, object>)p).ToDictionary(kv => kv.Key.ToString()!, kv => kv.Value);
        foreach (var key in obj.Select(kv => kv.Key).Where(k => !properties.ContainsKey(k)))
            problems.Add($"{where}: field '{key}' is not in {schemaName}");
        foreach (var (name, propertySchema) in properties)
        {
            var rule = exceptions.Rule(schemaName, name);
            if (!obj.TryGetPropertyValue(name, out var value))
            {
                if (rule is not (FieldRule.MayBeAbsent or FieldRule.MayBeNullOrAbsent)) problems.Add($"{where}: {schemaName}.{name} missing");
                continue;
            }
            if (value is null)
            {
                if (rule is not (FieldRule.MayBeNull or FieldRule.MayBeNullOrAbsent)) problems.Add($"{where}: {schemaName}.{name} is null");
                continue;
            }
            Check(value, propertySchema, $"{where}.{name}", null, exceptions, problems);
        }
    }

    /// <summary>An allOf schema as one object schema: the union of its parts' properties (discriminators are not followed).</summary>
    private Dictionary<object, object> Merged(Dictionary<object, object> schema)
    {
        var properties = new Dictionary<object, object>();
        void Collect(Dictionary<object, object> s)
        {
            if (s.TryGetValue("properties", out var p))
                foreach (var (k, v) in (Dictionary<object, object>)p) properties[k] = v;
            if (s.TryGetValue("allOf", out var parts))
                foreach (var part in (List<object>)parts) Collect(Resolve(part, out _));
        }
        Collect(schema);
        return new Dictionary<object, object> { ["type"] = "object", ["properties"] = properties };
    }

    private Dictionary<object, object> Resolve(object schema, out string? refName)
    {
        refName = null;
        var s = (Dictionary<object, object>)schema;
        while (s.TryGetValue("$ref", out var r))
        {
            refName = r.ToString()!.Split('/')[^1];
            s = (Dictionary<object, object>)_schemas[refName];
        }
        return s;
    }

    private static object? JsonSchemaOf(Dictionary<object, object>? holder) =>
        holder?.GetValueOrDefault("content") is Dictionary<object, object> content
        && content.GetValueOrDefault("application/json") is Dictionary<object, object> json ? json.GetValueOrDefault("schema") : null;
}

public enum FieldRule { Required, MayBeAbsent, MayBeNull, MayBeNullOrAbsent }

/// <summary>
/// Where Flink's wire differs from its spec, with the reason (docs/flink-rest.md
/// §Where the wire differs from the spec).
/// </summary>
public sealed class WireExceptions
{
    public Dictionary<(string Schema, string Field), FieldRule> Fields { get; } = [];
    public Dictionary<string, Action<JsonNode?, string, List<string>>> WireShapes { get; } = [];

    public FieldRule Rule(string? schema, string field) =>
        schema is not null && Fields.TryGetValue((schema, field), out var r) ? r : FieldRule.Required;
}

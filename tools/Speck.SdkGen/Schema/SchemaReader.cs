using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Speck.SdkGen.Schema;

/// <summary>
/// Binds schema.json into <see cref="PackageDef"/> the way pulumi's schema binder does for the subset this generator
/// emits (pkg/codegen/schema/bind.go v3.259.0: properties sorted by name, resources and types by token, `index` is
/// the root module). Every key it does not know is an <see cref="UnsupportedSchemaException"/>: a construct the
/// generator ignored would make SDKs that differ from `pulumi package gen-sdk`'s without anyone noticing.
/// </summary>
public static partial class SchemaReader
{
    private static readonly HashSet<string> TopKeys =
    [
        "name", "displayName", "version", "description", "keywords", "homepage", "repository", "license", "publisher",
        "meta", "config", "provider", "types", "resources", "language",
    ];

    public static PackageDef Read(string json)
    {
        var root = JsonNode.Parse(json)?.AsObject() ?? throw new UnsupportedSchemaException("$", "not a JSON object");
        OnlyKeys(root, "$", TopKeys);
        var name = Str(root, "name", "$") ?? throw new UnsupportedSchemaException("$.name", "missing");
        if (!IdentifierLower().IsMatch(name))
            throw new UnsupportedSchemaException("$.name", $"package name '{name}' is not a lower-case identifier");
        var meta = root["meta"]?.AsObject();
        if (meta is not null)
        {
            OnlyKeys(meta, "$.meta", ["moduleFormat"]);
            if (Str(meta, "moduleFormat", "$.meta") is { } mf && mf != "(.*)")
                throw new UnsupportedSchemaException("$.meta.moduleFormat", $"only '(.*)' is supported, not '{mf}'");
        }
        var version = Str(root, "version", "$") ?? throw new UnsupportedSchemaException("$.version", "missing");
        var types = root["types"]?.AsObject() ?? [];
        var reader = new TypeBinder(name, types);

        var objects = new List<ObjectTypeDef>();
        var enums = new List<EnumTypeDef>();
        foreach (var (token, node) in types.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var path = $"$.types['{token}']";
            reader.CheckToken(token, path);
            var spec = node!.AsObject();
            if (spec["enum"] is not null) enums.Add(reader.Enum(token, spec, path));
            else objects.Add(reader.Object(token, spec, path));
        }

        var config = root["config"]?.AsObject();
        IReadOnlyList<Property> configVars = [];
        if (config is not null)
        {
            OnlyKeys(config, "$.config", ["variables"]);
            configVars = reader.Properties(config["variables"]?.AsObject(), [], "$.config.variables", allowDefaults: true);
        }

        var providerSpec = root["provider"]?.AsObject() ?? [];
        var provider = reader.Resource($"pulumi:providers:{name}", providerSpec, "$.provider", isProvider: true);
        var resources = (root["resources"]?.AsObject() ?? [])
            .OrderBy(r => r.Key, StringComparer.Ordinal)
            .Select(r =>
            {
                reader.CheckToken(r.Key, $"$.resources['{r.Key}']");
                return reader.Resource(r.Key, r.Value!.AsObject(), $"$.resources['{r.Key}']", isProvider: false);
            })
            .ToList();

        var (csharp, nodeInfo) = Languages(root["language"]?.AsObject(), name);
        return new PackageDef(
            name, version, Str(root, "description", "$") ?? "",
            (root["keywords"]?.AsArray() ?? []).Select(k => k!.GetValue<string>()).ToList(),
            Str(root, "homepage", "$") ?? "", Str(root, "repository", "$") ?? "", Str(root, "license", "$") ?? "",
            Str(root, "publisher", "$") ?? "",
            configVars, provider, objects, enums, resources, csharp, nodeInfo);
    }

    private static (CSharpInfo, NodeInfo) Languages(JsonObject? language, string packageName)
    {
        var csharp = new CSharpInfo("", new Dictionary<string, string>(), false);
        var node = new NodeInfo("", false);
        if (language is null) return (csharp, node);
        foreach (var (lang, spec) in language)
        {
            var path = $"$.language.{lang}";
            var block = spec!.AsObject();
            switch (lang)
            {
                case "csharp":
                    OnlyKeys(block, path, ["rootNamespace", "namespaces", "respectSchemaVersion"]);
                    var namespaces = (block["namespaces"]?.AsObject() ?? [])
                        .ToDictionary(n => n.Key, n => n.Value!.GetValue<string>());
                    csharp = new CSharpInfo(Str(block, "rootNamespace", path) ?? "", namespaces,
                        block["respectSchemaVersion"]?.GetValue<bool>() ?? false);
                    var ns = Dotnet.DotnetNames.PackageNamespace(csharp, packageName);
                    if (!DottedIdentifier().IsMatch(ns))
                        throw new UnsupportedSchemaException(path, $"the C# namespace would be '{ns}', not a valid namespace");
                    break;
                case "nodejs":
                    OnlyKeys(block, path, ["packageName", "respectSchemaVersion"]);
                    node = new NodeInfo(Str(block, "packageName", path) ?? "",
                        block["respectSchemaVersion"]?.GetValue<bool>() ?? false);
                    break;
                default:
                    throw new UnsupportedSchemaException(path, $"no generator for language '{lang}' here");
            }
        }
        return (csharp, node);
    }

    internal static void OnlyKeys(JsonObject obj, string path, HashSet<string> known)
    {
        foreach (var (key, _) in obj)
            if (!known.Contains(key))
                throw new UnsupportedSchemaException($"{path}.{key}", "this schema construct is not supported by the SDK generator");
    }

    internal static string? Str(JsonObject obj, string key, string path)
    {
        var node = obj[key];
        if (node is null) return null;
        if (node.GetValueKind() != JsonValueKind.String)
            throw new UnsupportedSchemaException($"{path}.{key}", "expected a string");
        var s = node.GetValue<string>();
        // Doc shortcodes ({{% examples %}}, {{% ref %}}) are rewritten per language by the real codegen.
        if (s.Contains("{{%", StringComparison.Ordinal))
            throw new UnsupportedSchemaException($"{path}.{key}", "doc shortcodes ({{% ... %}}) are not supported");
        return s;
    }

    [GeneratedRegex("^[a-z][a-z0-9]*$")]
    internal static partial Regex IdentifierLower();

    [GeneratedRegex("^[a-z][A-Za-z0-9]*$")]
    internal static partial Regex IdentifierCamel();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$")]
    private static partial Regex DottedIdentifier();
}

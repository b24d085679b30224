using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Speck.Harness.Program;

/// <summary>A config declaration of a Pulumi YAML program (<c>config:</c> with type, default and secret).</summary>
public sealed record ConfigDecl(string Name, string Type, JsonNode? Default, bool Secret);

public sealed record CustomTimeouts(double Create, double Update, double Delete);

/// <summary>customTimeouts as the program sent them (Go duration strings, "" for unset): the engine forwards these to Construct.</summary>
public sealed record CustomTimeoutTexts(string Create, string Update, string Delete, string Read);

/// <summary>The resource options the harness honours, as Pulumi YAML spells them.</summary>
public sealed record ResourceOptions
{
    public IReadOnlyList<string> DependsOn { get; init; } = [];
    public bool? DeleteBeforeReplace { get; init; }
    public bool Protect { get; init; }
    /// <summary>Delete drops the resource from the state without the provider's Delete (DeleteStep.Apply, step.go:661-662 (pulumi v3.259.0)).</summary>
    public bool RetainOnDelete { get; init; }
    public IReadOnlyList<string> IgnoreChanges { get; init; } = [];
    public IReadOnlyList<string> ReplaceOnChanges { get; init; } = [];
    public CustomTimeouts Timeouts { get; init; } = new(0, 0, 0);
    /// <summary>The request's customTimeouts message, null when it sent none (a program's SDK always sends one).</summary>
    public CustomTimeoutTexts? TimeoutTexts { get; init; }
    public IReadOnlyList<string> AdditionalSecretOutputs { get; init; } = [];
    public string? Import { get; init; }

    /// <summary>Earlier identities of the resource (docs/pulumi-engine.md §Aliases).</summary>
    public IReadOnlyList<Deployment.ResourceAlias> Aliases { get; init; } = [];

    /// <summary>A YAML program's <c>aliases:</c> as written: evaluated into <see cref="Aliases"/> when the resource is registered.</summary>
    public JsonNode? AliasesTemplate { get; init; }
}

public sealed record ProgramResource(string Name, string Type, JsonObject Properties, ResourceOptions Options);

/// <summary>A Pulumi YAML program: <c>Pulumi.yaml</c> with <c>runtime: yaml</c>.</summary>
public sealed record YamlProgram(
    string Directory, string Name, IReadOnlyList<ConfigDecl> Config, IReadOnlyList<ProgramResource> Resources, JsonObject Outputs)
{
    public static YamlProgram Load(string directory)
    {
        var path = Path.Combine(directory, "Pulumi.yaml");
        var root = YamlTree.LoadMapping(path);
        var project = ProjectFile.Load(directory);
        var name = project.Name;
        if (project.Runtime != "yaml") throw new FormatException($"{path}: not a YAML program: 'runtime: {project.Runtime}'");

        var config = new List<ConfigDecl>();
        if ((YamlTree.Get(root, "config") ?? YamlTree.Get(root, "configuration")) is YamlMappingNode cm)
            foreach (var (k, v) in cm.Children)
            {
                var key = ((YamlScalarNode)k).Value!;
                config.Add(v is YamlMappingNode d
                    ? new ConfigDecl(key, YamlTree.Str(d, "type") ?? "string", YamlTree.Get(d, "default") is { } def ? YamlTree.ToJson(def) : null,
                        YamlTree.Str(d, "secret") == "true")
                    : new ConfigDecl(key, "string", YamlTree.ToJson(v), false));
            }

        var resources = new List<ProgramResource>();
        if (YamlTree.Get(root, "resources") is YamlMappingNode rm)
            foreach (var (k, v) in rm.Children)
            {
                var rname = ((YamlScalarNode)k).Value!;
                var body = v as YamlMappingNode ?? throw new FormatException($"{path}: resource '{rname}' must be a mapping");
                var type = YamlTree.Str(body, "type") ?? throw new FormatException($"{path}: resource '{rname}' has no type");
                var props = YamlTree.Get(body, "properties") is { } p ? YamlTree.ToJson(p)!.AsObject() : new JsonObject();
                resources.Add(new ProgramResource(rname, type, props, Options(YamlTree.Get(body, "options") as YamlMappingNode)));
            }

        var outputs = YamlTree.Get(root, "outputs") is { } o ? YamlTree.ToJson(o)!.AsObject() : new JsonObject();
        return new YamlProgram(Path.GetFullPath(directory), name, config, resources, outputs);
    }

    // pulumi-yaml registers through the Go SDK, which always sends a customTimeouts message, empty strings for those
    // unset (getTimeouts, sdk/go/pulumi/context.go:2768, 2784-2793 (pulumi v3.259.0)).
    private static ResourceOptions Options(YamlMappingNode? m)
    {
        if (m is null) return new ResourceOptions { TimeoutTexts = new("", "", "", "") };
        var timeouts = YamlTree.Get(m, "customTimeouts") as YamlMappingNode;
        string Text(string key) => timeouts is null ? "" : YamlTree.Str(timeouts, key) ?? "";
        return new ResourceOptions
        {
            DependsOn = YamlTree.Strings(YamlTree.Get(m, "dependsOn")),
            DeleteBeforeReplace = YamlTree.Str(m, "deleteBeforeReplace") is { } d ? d == "true" : null,
            Protect = YamlTree.Str(m, "protect") == "true",
            RetainOnDelete = YamlTree.Str(m, "retainOnDelete") == "true",
            IgnoreChanges = YamlTree.Strings(YamlTree.Get(m, "ignoreChanges")),
            ReplaceOnChanges = YamlTree.Strings(YamlTree.Get(m, "replaceOnChanges")),
            Timeouts = timeouts is null ? new CustomTimeouts(0, 0, 0) : new CustomTimeouts(
                Duration(YamlTree.Str(timeouts, "create")), Duration(YamlTree.Str(timeouts, "update")), Duration(YamlTree.Str(timeouts, "delete"))),
            TimeoutTexts = new(Text("create"), Text("update"), Text("delete"), ""),
            AdditionalSecretOutputs = YamlTree.Strings(YamlTree.Get(m, "additionalSecretOutputs")),
            Import = YamlTree.Str(m, "import"),
            AliasesTemplate = YamlTree.Get(m, "aliases") is { } aliases ? YamlTree.ToJson(aliases) : null,
        };
    }

    /// <summary>Go duration strings as customTimeouts take them ("5m", "1m30s", "2h"), in seconds; 0 = provider default.</summary>
    public static double Duration(string? text)
    {
        if (string.IsNullOrEmpty(text)) return 0;
        double total = 0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsDigit(text[i]) || text[i] == '.')) i++;
            var number = double.Parse(text[start..i], CultureInfo.InvariantCulture);
            var unitStart = i;
            while (i < text.Length && char.IsLetter(text[i])) i++;
            total += text[unitStart..i] switch
            {
                "h" => number * 3600,
                "m" => number * 60,
                "s" => number,
                "ms" => number / 1000,
                var u => throw new FormatException($"customTimeouts: unknown unit '{u}' in '{text}'"),
            };
        }
        return total;
    }
}

/// <summary>YAML to JSON: plain scalars are typed as YAML 1.2 core (bool, int, float, null); quoted ones stay strings.</summary>
internal static class YamlTree
{
    public static YamlMappingNode LoadMapping(string path)
    {
        var stream = new YamlStream();
        using (var reader = File.OpenText(path)) stream.Load(reader);
        return stream.Documents.FirstOrDefault()?.RootNode as YamlMappingNode ?? new YamlMappingNode();
    }

    public static YamlNode? Get(YamlMappingNode m, string key) =>
        m.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    public static string? Str(YamlMappingNode m, string key) => Get(m, key) is YamlScalarNode s ? s.Value : null;

    public static IReadOnlyList<string> Strings(YamlNode? n) => n switch
    {
        YamlSequenceNode seq => seq.Children.OfType<YamlScalarNode>().Select(s => s.Value!).ToList(),
        YamlScalarNode s when s.Value is not null => [s.Value],
        _ => [],
    };

    public static JsonNode? ToJson(YamlNode n) => n switch
    {
        YamlMappingNode m => new JsonObject(m.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, ToJson(kv.Value)))),
        YamlSequenceNode s => new JsonArray(s.Children.Select(ToJson).ToArray()),
        YamlScalarNode s => Scalar(s),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode s)
    {
        var v = s.Value ?? "";
        if (s.Style != ScalarStyle.Plain) return JsonValue.Create(v);
        if (v is "null" or "~" or "") return null;
        if (v is "true" or "false") return JsonValue.Create(v == "true");
        if (long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
        if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return JsonValue.Create(d);
        return JsonValue.Create(v);
    }
}

using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Speck.Harness.Program;

/// <summary>
/// <c>Pulumi.yaml</c>'s project facts the engine reads before it picks a language host: <c>name</c>, <c>runtime</c>
/// (a name, or <c>{name, options}</c>) and <c>main</c> (the entry point relative to the project folder; "." when unset).
/// </summary>
public sealed record ProjectFile(string Directory, string Name, string Runtime, string Main, JsonObject RuntimeOptions)
{
    public static ProjectFile Load(string directory)
    {
        var path = Path.Combine(directory, "Pulumi.yaml");
        if (!File.Exists(path)) throw new HarnessException($"no Pulumi.yaml in {directory}");
        var root = YamlTree.LoadMapping(path);
        var name = YamlTree.Str(root, "name") ?? throw new FormatException($"{path}: 'name' is required");
        var (runtime, options) = YamlTree.Get(root, "runtime") switch
        {
            YamlScalarNode s => (s.Value, new JsonObject()),
            YamlMappingNode m => (YamlTree.Str(m, "name"), YamlTree.Get(m, "options") is { } o ? YamlTree.ToJson(o) as JsonObject ?? new JsonObject() : new JsonObject()),
            _ => (null, new JsonObject()),
        };
        if (string.IsNullOrEmpty(runtime)) throw new FormatException($"{path}: 'runtime' is required");
        return new ProjectFile(Path.GetFullPath(directory), name, runtime, YamlTree.Str(root, "main") ?? ".", options);
    }
}

using System.Text.Json.Nodes;
using Speck.SdkGen;
using Speck.SdkGen.Schema;

namespace Speck.Tests.Sdk;

/// <summary>The committed sdk/ is what `make sdk` makes from schema.json, and the generator refuses what it cannot emit.</summary>
[Trait("Category", "Unit")]
public class SdkGenerationTests
{
    private static string Schema => File.ReadAllText(Path.Combine(RepoPaths.Root, "schema.json"));

    [Fact]
    public void Regenerating_from_the_committed_schema_gives_the_committed_sdks()
    {
        foreach (var (language, files) in SdkGenerator.Generate(Schema))
        {
            var dir = Path.Combine(RepoPaths.Root, "sdk", language);
            var onDisk = Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(dir, f).Replace('\\', '/'))
                .Where(f => !f.StartsWith("node_modules/", StringComparison.Ordinal) && !f.StartsWith("bin/", StringComparison.Ordinal)
                    && !f.StartsWith("obj/", StringComparison.Ordinal))
                .ToHashSet();
            var stale = files.Where(f => !onDisk.Contains(f.Key) || !File.ReadAllBytes(Path.Combine(dir, f.Key)).SequenceEqual(f.Value))
                .Select(f => f.Key)
                .Concat(onDisk.Where(f => !files.ContainsKey(f)))
                .ToList();
            Assert.True(stale.Count == 0, $"sdk/{language} is stale ({string.Join(", ", stale)}): run `make sdk` and commit it");
        }
    }

    [Theory]
    [InlineData("$.functions", "functions", """{"speck:index:getSite": {}}""")]
    [InlineData("$.resources['speck:index:Topic'].aliases", "resources.speck:index:Topic.aliases", """[{"type": "speck:index:OldTopic"}]""")]
    [InlineData("$.resources['speck:index:Topic'].inputProperties.name.const", "resources.speck:index:Topic.inputProperties.name.const", "\"x\"")]
    [InlineData("$.types['speck:index:Tier'].type", "types.speck:index:Tier.type", "\"integer\"")]
    [InlineData("$.language.go", "language.go", """{"importBasePath": "x"}""")]
    [InlineData("$.resources['speck:index:Pipeline'].isComponent", "resources.speck:index:Pipeline.isComponent", "\"yes\"")]
    public void An_unsupported_schema_construct_fails_and_names_where_it_is(string expectedPath, string at, string value)
    {
        var schema = JsonNode.Parse(Schema)!.AsObject();
        var (parent, key) = Locate(schema, at);
        parent[key] = JsonNode.Parse(value);
        var e = Assert.Throws<UnsupportedSchemaException>(() => SdkGenerator.Generate(schema.ToJsonString()));
        Assert.Equal(expectedPath, e.Path);
    }

    [Fact]
    public void The_command_exits_non_zero_and_writes_nothing_for_an_unsupported_schema()
    {
        var dir = Directory.CreateTempSubdirectory("sdkgen-");
        try
        {
            var schema = JsonNode.Parse(Schema)!.AsObject();
            schema["functions"] = new JsonObject();
            var schemaPath = Path.Combine(dir.FullName, "schema.json");
            File.WriteAllText(schemaPath, schema.ToJsonString());
            var psi = new System.Diagnostics.ProcessStartInfo("dotnet",
                [Path.Combine(AppContext.BaseDirectory, "speck-sdkgen.dll"), schemaPath, Path.Combine(dir.FullName, "sdk")])
            { RedirectStandardError = true };
            using var p = System.Diagnostics.Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEnd();
            Assert.True(p.WaitForExit(60_000), "speck-sdkgen did not exit");
            Assert.Equal(1, p.ExitCode);
            Assert.Contains("$.functions", stderr);
            Assert.False(Directory.Exists(Path.Combine(dir.FullName, "sdk")));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>`a.b.c` with `:` kept inside segments: the parent object and the last key.</summary>
    private static (JsonObject Parent, string Key) Locate(JsonObject root, string path)
    {
        var parts = path.Split('.');
        var node = root;
        foreach (var part in parts[..^1]) node = node[part]!.AsObject();
        return (node, parts[^1]);
    }
}

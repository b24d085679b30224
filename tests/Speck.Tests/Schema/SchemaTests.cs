using System.Text.Json.Nodes;
using Json.Schema;
using Speck.Host.Schema;
using Speck.Provider;

namespace Speck.Tests.Schema;

[Trait("Category", "Unit")]
public class SchemaTests
{
    private static readonly string Generated = SchemaGenerator.Generate(SpeckFactory.Create());

    [Fact]
    public void The_committed_schema_is_the_one_generated_from_the_types()
    {
        var committed = File.ReadAllText(Path.Combine(RepoPaths.Root, "schema.json"));
        Assert.True(committed == Generated, "schema.json is stale: run `make schema` and commit it");
    }

    [Fact]
    public void The_schema_is_valid_against_pulumis_metaschema()
    {
        var meta = JsonSchema.FromFile(Path.Combine(RepoPaths.Shared, "schemas", "pulumi-metaschema.json"));
        var result = meta.Evaluate(JsonNode.Parse(Generated), new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = result.Details.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"));
        Assert.True(result.IsValid, string.Join("\n", errors));
    }

    [Fact]
    public void The_metaschema_check_does_reject_a_broken_schema()
    {
        var meta = JsonSchema.FromFile(Path.Combine(RepoPaths.Shared, "schemas", "pulumi-metaschema.json"));
        var broken = JsonNode.Parse(Generated)!;
        broken["resources"]!["speck:index:SpeSite"]!["inputProperties"]!["tier"]!["type"] = 42;
        Assert.False(meta.Evaluate(broken).IsValid);
    }

    [Fact]
    public void Every_ref_in_the_schema_points_at_a_declared_type()
    {
        var schema = JsonNode.Parse(Generated)!;
        var types = schema["types"]!.AsObject().Select(kv => kv.Key).ToHashSet();
        var refs = Refs(schema).Where(r => r.StartsWith("#/types/")).Select(r => r["#/types/".Length..]).ToList();
        Assert.NotEmpty(refs);
        Assert.All(refs, r => Assert.Contains(r, types));
    }

    [Fact]
    public void Secret_inputs_are_marked_secret_in_the_schema()
    {
        var schema = JsonNode.Parse(Generated)!;
        var spe = schema["types"]!["speck:index:SpeEndpoint"]!["properties"]!;
        Assert.True(spe["password"]!["secret"]!.GetValue<bool>());
        Assert.True(spe["token"]!["secret"]!.GetValue<bool>());
        Assert.Null(spe["url"]!["secret"]);
    }

    private static IEnumerable<string> Refs(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(kv => kv.Key == "$ref" ? [kv.Value!.GetValue<string>()] : Refs(kv.Value)),
        JsonArray a => a.SelectMany(Refs),
        _ => [],
    };
}

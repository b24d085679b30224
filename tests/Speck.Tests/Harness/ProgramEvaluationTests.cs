using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Speck.Harness.Program;
using Speck.Harness.Protocol;

namespace Speck.Tests.Harness;

/// <summary>Pulumi YAML parsing and expression evaluation of the harness, without a provider.</summary>
[Trait("Category", "Unit")]
public class ProgramEvaluationTests
{
    private sealed class Scope(Dictionary<string, (JsonNode? Value, bool Complete)> values) : IScope
    {
        public bool TryResolve(string root, out JsonNode? value, out bool complete)
        {
            var found = values.TryGetValue(root, out var v);
            (value, complete) = (v.Value?.DeepClone(), found ? v.Complete : true);
            return found;
        }
    }

    private static readonly Scope Values = new(new()
    {
        ["site"] = (new JsonObject
        {
            ["connection"] = new JsonObject
            {
                ["siteName"] = "edge",
                ["broker"] = new JsonObject { ["url"] = "mqtt://h:1", ["password"] = Sig.MakeSecret(JsonValue.Create("pw-123")) },
            },
            ["tags"] = new JsonArray("a", "b"),
        }, true),
        ["planned"] = (new JsonObject { ["known"] = "k", ["later"] = Sig.Unknown }, false),
        ["token"] = (Sig.MakeSecret(JsonValue.Create("tok-456")), true),
        ["prefix"] = (JsonValue.Create("sensors"), true),
    });

    private static JsonNode? Eval(string yamlValue) => Expressions.Evaluate(JsonValue.Create(yamlValue), Values, Path.GetTempPath());

    [Fact]
    public void An_output_holding_a_secret_is_secret_as_a_whole_as_the_go_sdk_reads_it_for_pulumi_yaml()
    {
        var connection = Eval("${site.connection}")!;
        Assert.True(Sig.IsSecret(connection));
        Assert.Equal("edge", Sig.SecretValue(connection)!["siteName"]!.GetValue<string>());
        Assert.Equal("pw-123", Sig.SecretValue(connection)!["broker"]!["password"]!.GetValue<string>());
        Assert.True(Sig.IsSecret(Eval("${site.connection.siteName}")));
        Assert.Equal("b", Eval("${site.tags[1]}")!.GetValue<string>());
        var password = Eval("${site.connection.broker.password}");
        Assert.True(Sig.IsSecret(password));
        Assert.Equal("pw-123", Sig.SecretValue(password!)!.GetValue<string>());
    }

    [Fact]
    public void Interpolation_makes_text_secret_when_a_part_is_secret_and_unknown_when_a_part_is_unknown()
    {
        Assert.Equal("sensors/b/raw", Eval("${prefix}/${site.tags[1]}/raw")!.GetValue<string>());
        Assert.True(Sig.IsSecret(Eval("${prefix}/${site.connection.siteName}/raw")));
        var secret = Eval("Bearer ${token}");
        Assert.True(Sig.IsSecret(secret));
        Assert.Equal("Bearer tok-456", Sig.SecretValue(secret!)!.GetValue<string>());
        Assert.Equal(Sig.Unknown, Eval("x-${planned.later}")!.GetValue<string>());
        // A preview output leaves computed properties out: reading one is unknown, not an error.
        Assert.Equal(Sig.Unknown, Eval("${planned.notYet}")!.GetValue<string>());
        Assert.Equal("k", Eval("${planned.known}")!.GetValue<string>());
        Assert.Throws<HarnessException>(() => Eval("${nowhere.x}"));
    }

    [Fact]
    public void Secret_and_file_asset_functions_produce_the_engine_shapes()
    {
        var file = Path.Combine(Path.GetTempPath(), $"speck-asset-{Guid.NewGuid():N}.txt");
        File.WriteAllText(file, "job jar bytes");
        try
        {
            var secret = Expressions.Evaluate(JsonNode.Parse("""{"fn::secret":"${prefix}"}"""), Values, Path.GetTempPath());
            Assert.True(Sig.IsSecret(secret));
            var asset = Expressions.Evaluate(JsonNode.Parse($$"""{"fn::fileAsset":"{{Path.GetFileName(file)}}"}"""), Values, Path.GetTempPath())!;
            Assert.Equal(Sig.Asset, Sig.SigOf(asset));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file))), asset["hash"]!.GetValue<string>());
            Assert.Equal(Path.GetFileName(file), asset["path"]!.GetValue<string>());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_program_reads_config_declarations_resources_options_and_typed_stack_config()
    {
        var dir = Directory.CreateTempSubdirectory("speck-program-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "Pulumi.yaml"), """
                name: demo
                runtime: yaml
                config:
                  port: { type: integer, default: 1883 }
                  password: { type: string, secret: true }
                resources:
                  t:
                    type: speck:index:Topic
                    properties: { name: "a/b", retain: true, count: 3, quoted: "3" }
                    options:
                      dependsOn: ["${s}"]
                      protect: true
                      deleteBeforeReplace: true
                      ignoreChanges: [labels]
                      replaceOnChanges: [name]
                      customTimeouts: { create: 1m30s, delete: 2h }
                      import: edge/a/b
                outputs:
                  n: ${t.name}
                """);
            File.WriteAllText(Path.Combine(dir, "Pulumi.dev.yaml"), TestStackSecrets.Yaml([new("demo:password", "s3cret"), new("speck:probeTimeoutSeconds", "5"), new("other:key", "x")]));
            var program = YamlProgram.Load(dir);
            var t = Assert.Single(program.Resources);
            Assert.Equal(3, t.Properties["count"]!.GetValue<long>());
            Assert.Equal("3", t.Properties["quoted"]!.GetValue<string>());
            Assert.True(t.Properties["retain"]!.GetValue<bool>());
            Assert.Equal(["${s}"], t.Options.DependsOn);
            Assert.True(t.Options.Protect);
            Assert.True(t.Options.DeleteBeforeReplace);
            Assert.Equal(["labels"], t.Options.IgnoreChanges);
            Assert.Equal(["name"], t.Options.ReplaceOnChanges);
            Assert.Equal(new CustomTimeouts(90, 0, 7200), t.Options.Timeouts);
            Assert.Equal("edge/a/b", t.Options.Import);

            var config = StackConfig.Load(program, "dev", TestStackSecrets.Passphrase);
            Assert.Equal("5", config.Provider["probeTimeoutSeconds"]!.GetValue<string>());
            Assert.False(config.Provider.ContainsKey("key"));
            var values = config.ProgramValues(program);
            Assert.Equal("1883", values["port"]!.ToJsonString());
            Assert.True(Sig.IsSecret(values["password"]));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Speck.Tests.Sdk;

/// <summary>
/// sdk/dotnet checked against schema.json without the Pulumi NuGet package (not installable here): the C# parses, and
/// every resource, property, object type, enum, secret, required flag and replaceOnChanges of the schema appears with
/// the attribute, wire name and C# type pulumi-dotnet's codegen gives it. The expected types are worked out here from
/// the raw schema, not by the generator, so a generator mistake shows up as a mismatch.
/// </summary>
[Trait("Category", "Unit")]
public class DotnetSdkShapeTests
{
    private static readonly string SdkDir = Path.Combine(RepoPaths.Root, "sdk", "dotnet");
    private static readonly JsonObject Schema = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "schema.json")))!.AsObject();
    private static readonly List<SyntaxTree> Trees = Directory.GetFiles(SdkDir, "*.cs", SearchOption.AllDirectories)
        .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), path: f)).ToList();

    private static ClassDeclarationSyntax Class(string name) =>
        Trees.SelectMany(t => t.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>())
            .SingleOrDefault(c => c.Identifier.Text == name) ?? throw new Xunit.Sdk.XunitException($"no class {name} in sdk/dotnet");

    private static string Name(string token) => token.Split(':')[2];
    private static string Pascal(string name) => char.ToUpperInvariant(name[0]) + name[1..];

    private static IEnumerable<string> Attributes(MemberDeclarationSyntax m) =>
        m.AttributeLists.SelectMany(l => l.Attributes).Select(a => a.ToString());

    [Fact]
    public void Every_file_parses_without_errors()
    {
        var errors = Trees.SelectMany(t => t.GetDiagnostics()).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        Assert.True(Trees.Count > 5);
    }

    /// <summary>
    /// The wiring compiles as the YAML reads: an output a resource hands on is of the very type the taking input
    /// wants (<c>Site = edge1.Connection</c>, <c>Sources = { raw.Endpoint }</c>); C# has no conversion from a
    /// generated output class to its <c>…Args</c> input class, so objects here would need an <c>Apply</c> per wire.
    /// </summary>
    [Theory]
    [InlineData("SpeSite", "Connection", "TopicArgs", "Site", "Input<string>")]
    [InlineData("SpeSite", "Connection", "StreamJobArgs", "Site", "Input<string>")]
    [InlineData("Topic", "Endpoint", "StreamJobArgs", "Sink", "Input<string>")]
    [InlineData("Topic", "Endpoint", "StreamJobArgs", "Sources", "InputList<string>")]
    public void An_output_that_wires_resources_is_what_the_taking_input_takes(string from, string output, string args, string input, string taking)
    {
        Assert.Equal("Output<string>", Property(Class(from), output, $"{from}.{output}").Type.ToString());
        Assert.Equal(taking, Property(Class(args), input, $"{args}.{input}").Type.ToString());
    }

    [Fact]
    public void Every_resource_has_its_type_token_outputs_args_secrets_and_replace_on_changes()
    {
        var resources = Schema["resources"]!.AsObject().Select(r => (Token: r.Key, Spec: r.Value!.AsObject())).ToList();
        resources.Add(("pulumi:providers:speck", Schema["provider"]!.AsObject()));
        foreach (var (token, spec) in resources)
        {
            var name = token.StartsWith("pulumi:providers:", StringComparison.Ordinal) ? "Provider" : Name(token);
            var cls = Class(name);
            Assert.Contains($"SpeckResourceType(\"{token}\")", Attributes(cls));
            var outputs = spec["properties"]?.AsObject() ?? [];
            var required = Names(spec["required"]);
            foreach (var (prop, ps) in outputs)
            {
                var member = Property(cls, Pascal(prop), $"{name}.{prop}");
                Assert.Contains($"Output(\"{prop}\")", Attributes(member));
                Assert.Equal($"Output<{OutputType(ps!.AsObject(), required.Contains(prop))}>", member.Type.ToString());
            }
            var options = cls.Members.OfType<MethodDeclarationSyntax>().SingleOrDefault(m => m.Identifier.Text == "MakeResourceOptions")?.ToString() ?? "";
            foreach (var (prop, ps) in outputs)
            {
                Assert.Equal(ps!["secret"]?.GetValue<bool>() == true, InList(options, "AdditionalSecretOutputs", prop));
                Assert.Equal(ps["replaceOnChanges"]?.GetValue<bool>() == true, InList(options, "ReplaceOnChanges", prop));
            }
            CheckArgs(Class(name + "Args"), spec["inputProperties"]?.AsObject() ?? [], Names(spec["requiredInputs"]),
                isProvider: name == "Provider");
        }
    }

    /// <summary>As the codegen: an args class for each type a resource input reaches, an output class for each an output reaches.</summary>
    [Fact]
    public void Every_object_type_has_an_args_class_and_an_output_class()
    {
        var resources = Schema["resources"]!.AsObject().Select(r => r.Value!).Append(Schema["provider"]!).ToList();
        var fromInputs = Reaching(resources.Select(r => r["inputProperties"]));
        var fromOutputs = Reaching(resources.Select(r => r["properties"]));
        Assert.NotEmpty(fromInputs);
        Assert.NotEmpty(fromOutputs);
        foreach (var (token, node) in Schema["types"]!.AsObject().Where(t => t.Value!["enum"] is null))
        {
            var spec = node!.AsObject();
            var required = Names(spec["required"]);
            var props = spec["properties"]!.AsObject();
            Assert.True(fromInputs.Contains(token) || fromOutputs.Contains(token), $"{token} is used nowhere");
            if (fromInputs.Contains(token)) CheckArgs(Class(Name(token) + "Args"), props, required, isProvider: false);
            if (!fromOutputs.Contains(token)) continue;
            var output = Class(Name(token));
            Assert.Contains("OutputType", Attributes(output));
            var ctor = output.Members.OfType<ConstructorDeclarationSyntax>().Single();
            Assert.Contains("OutputConstructor", Attributes(ctor));
            foreach (var (prop, ps) in props)
            {
                var field = output.Members.OfType<FieldDeclarationSyntax>()
                    .SingleOrDefault(f => f.Declaration.Variables.Any(v => v.Identifier.Text == Pascal(prop)))
                    ?? throw new Xunit.Sdk.XunitException($"no field {Name(token)}.{Pascal(prop)}");
                Assert.Equal(OutputType(ps!.AsObject(), required.Contains(prop)), field.Declaration.Type.ToString());
                Assert.Contains(ctor.ParameterList.Parameters, p => p.Identifier.Text.TrimStart('@') == prop);
            }
        }
    }

    private static HashSet<string> Reaching(IEnumerable<JsonNode?> propertyMaps)
    {
        var seen = new HashSet<string>();
        var queue = new Queue<JsonNode>(propertyMaps.Where(m => m is not null).SelectMany(m => m!.AsObject().Select(p => p.Value!)));
        while (queue.TryDequeue(out var spec))
        {
            foreach (var nested in new[] { spec["items"], spec["additionalProperties"] })
                if (nested is not null) queue.Enqueue(nested);
            if (spec["$ref"]?.GetValue<string>() is { } r && r.StartsWith("#/types/", StringComparison.Ordinal)
                && Schema["types"]![r[8..]] is { } t && t["enum"] is null && seen.Add(r[8..]))
                foreach (var (_, p) in t["properties"]!.AsObject()) queue.Enqueue(p!);
        }
        return seen;
    }

    [Fact]
    public void Every_enum_is_a_readonly_struct_with_its_values()
    {
        foreach (var (token, node) in Schema["types"]!.AsObject().Where(t => t.Value!["enum"] is not null))
        {
            var st = Trees.SelectMany(t => t.GetRoot().DescendantNodes().OfType<StructDeclarationSyntax>())
                .Single(s => s.Identifier.Text == Name(token));
            Assert.Contains("EnumType", Attributes(st));
            Assert.Contains(st.Modifiers, m => m.IsKind(SyntaxKind.ReadOnlyKeyword));
            foreach (var e in node!["enum"]!.AsArray())
            {
                var member = st.Members.OfType<PropertyDeclarationSyntax>().Single(p => p.Identifier.Text == e!["name"]!.GetValue<string>());
                Assert.Equal($"new {Name(token)}(\"{e!["value"]!.GetValue<string>()}\")", member.Initializer!.Value.ToString());
            }
        }
    }

    private static void CheckArgs(ClassDeclarationSyntax args, JsonObject inputs, List<string> required, bool isProvider)
    {
        Assert.Equal("global::Pulumi.ResourceArgs", args.BaseList!.Types.Single().ToString());
        foreach (var (prop, ps) in inputs)
        {
            var spec = ps!.AsObject();
            var isRequired = required.Contains(prop);
            var json = isProvider && spec["type"]?.GetValue<string>() != "string";
            var attribute = $"Input(\"{prop}\"{(isRequired ? ", required: true" : "")}{(json ? ", json: true" : "")})";
            var member = Property(args, Pascal(prop), $"{args.Identifier.Text}.{prop}");
            var type = InputType(spec, isRequired);
            var secret = spec["secret"]?.GetValue<bool>() == true;
            var collection = type.StartsWith("InputList<", StringComparison.Ordinal) || type.StartsWith("InputMap<", StringComparison.Ordinal);
            if (secret || collection)
            {
                // The attribute sits on the backing field; the property's setter marks a secret value secret.
                var field = args.Members.OfType<FieldDeclarationSyntax>()
                    .Single(f => f.Declaration.Variables.Any(v => v.Identifier.Text == "_" + prop));
                Assert.Contains(attribute, Attributes(field));
                Assert.Equal(secret, member.AccessorList!.ToString().Contains("Output.CreateSecret(", StringComparison.Ordinal));
                Assert.Equal(collection ? type : type.TrimEnd('?') + "?", member.Type.ToString());
            }
            else
            {
                Assert.Contains(attribute, Attributes(member));
                Assert.Equal(type, member.Type.ToString());
            }
        }
    }

    private static PropertyDeclarationSyntax Property(ClassDeclarationSyntax cls, string name, string what) =>
        cls.Members.OfType<PropertyDeclarationSyntax>().SingleOrDefault(p => p.Identifier.Text == name)
            ?? throw new Xunit.Sdk.XunitException($"no property for {what}");

    private static bool InList(string options, string list, string name)
    {
        var start = options.IndexOf(list + " =", StringComparison.Ordinal);
        if (start < 0) return false;
        var end = options.IndexOf('}', start);
        return options[start..end].Contains($"\"{name}\"", StringComparison.Ordinal);
    }

    private static List<string> Names(JsonNode? n) => (n?.AsArray() ?? []).Select(x => x!.GetValue<string>()).ToList();

    /// <summary>Output shape: Outputs.X, enums by full name, ImmutableArray/ImmutableDictionary; `?` when optional.</summary>
    private static string OutputType(JsonObject spec, bool required)
    {
        var t = Plain(spec, "Outputs");
        return required || spec["type"]?.GetValue<string>() == "array" ? t : t + "?";
    }

    /// <summary>Input shape: Input&lt;T&gt;, InputList&lt;T&gt;, InputMap&lt;T&gt; with Inputs.XArgs; lists and maps never `?`.</summary>
    private static string InputType(JsonObject spec, bool required)
    {
        var type = spec["type"]?.GetValue<string>();
        if (type == "array") return $"InputList<{Plain(spec["items"]!.AsObject(), "Inputs")}>";
        if (type == "object") return $"InputMap<{Plain(spec["additionalProperties"]!.AsObject(), "Inputs")}>";
        return $"Input<{Plain(spec, "Inputs")}>" + (required ? "" : "?");
    }

    private static string Plain(JsonObject spec, string shape)
    {
        if (spec["$ref"]?.GetValue<string>() is { } r)
        {
            if (r == "pulumi.json#/Any") return "object";
            if (r == "pulumi.json#/Asset") return "AssetOrArchive";
            var token = r["#/types/".Length..];
            if (Schema["types"]![token]!["enum"] is not null) return "Pulumi.Speck." + Name(token);
            return shape == "Inputs" ? $"Inputs.{Name(token)}Args" : $"Outputs.{Name(token)}";
        }
        return spec["type"]!.GetValue<string>() switch
        {
            "string" => "string",
            "integer" => "int",
            "number" => "double",
            "boolean" => "bool",
            "array" => $"ImmutableArray<{Plain(spec["items"]!.AsObject(), shape)}>",
            "object" => $"ImmutableDictionary<string, {Plain(spec["additionalProperties"]!.AsObject(), shape)}>",
            var t => throw new Xunit.Sdk.XunitException($"schema type {t} has no expectation here"),
        };
    }
}

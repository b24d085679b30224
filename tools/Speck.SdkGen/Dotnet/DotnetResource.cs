using System.Text;
using Speck.SdkGen.Schema;

namespace Speck.SdkGen.Dotnet;

/// <summary>A resource's file (`X.cs`, `Provider.cs`): the class and its `XArgs`, as modContext.genResource writes it.</summary>
public static class DotnetResource
{
    public static string File(PackageDef pkg, ResourceDef r)
    {
        var w = new StringBuilder();
        DotnetPackage.Header(w, DotnetPackage.PulumiImports(pkg));
        var ns = DotnetNames.PackageNamespace(pkg.CSharp, pkg.Name);
        var name = r.IsProvider ? "Provider" : GoText.TokenName(r.Token);
        // genResource (pulumi-language-dotnet/codegen/gen.go:900-911 (pulumi-dotnet v3.112.1)).
        var baseType = r.IsProvider ? "global::Pulumi.ProviderResource" : r.IsComponent ? "global::Pulumi.ComponentResource" : "global::Pulumi.CustomResource";
        var optionsType = r.IsComponent ? "ComponentResourceOptions" : "CustomResourceOptions";
        var attributeName = DotnetNames.NamespaceName(pkg.CSharp.Namespaces, pkg.Name);

        w.Append("namespace ").Append(ns).Append('\n');
        w.Append("{\n");
        DotnetNames.Comment(w, r.Description, "    ");
        w.Append($"    [{attributeName}ResourceType(\"{r.Token}\")]\n");
        w.Append($"    public partial class {name} : {baseType}\n");
        w.Append("    {\n");
        foreach (var p in r.Outputs)
        {
            DotnetNames.Comment(w, p.Description, "        ");
            w.Append($"        [Output(\"{p.Name}\")]\n");
            w.Append($"        public Output<{DotnetNames.OutputType(pkg, p)}> {DotnetNames.PropertyName(p)} {{ get; private set; }} = null!;\n");
            w.Append('\n');
        }
        if (r.Outputs.Count > 0) w.Append('\n');

        var argsType = name + "Args";
        var argsDefault = "";
        if (r.Inputs.All(p => !p.Required))
        {
            argsDefault = " = null";
            argsType += "?";
        }
        var token = r.IsProvider ? pkg.Name : r.Token;
        w.Append("        /// <summary>\n");
        w.Append($"        /// Create a {name} resource with the given unique name, arguments, and options.\n");
        w.Append("        /// </summary>\n");
        w.Append("        ///\n");
        w.Append("        /// <param name=\"name\">The unique name of the resource</param>\n");
        w.Append("        /// <param name=\"args\">The arguments used to populate this resource's properties</param>\n");
        w.Append("        /// <param name=\"options\">A bag of options that control this resource's behavior</param>\n");
        w.Append($"        public {name}(string name, {argsType} args{argsDefault}, {optionsType}? options = null)\n");
        w.Append($"            : base(\"{token}\", name, args ?? new {name}Args(), MakeResourceOptions(options, \"\"){(r.IsComponent ? ", remote: true" : "")})\n");
        w.Append("        {\n");
        w.Append("        }\n");
        if (!r.IsProvider && !r.IsComponent)
        {
            w.Append('\n');
            w.Append($"        private {name}(string name, Input<string> id, CustomResourceOptions? options = null)\n");
            w.Append($"            : base(\"{token}\", name, null, MakeResourceOptions(options, id))\n");
            w.Append("        {\n");
            w.Append("        }\n");
        }

        MakeResourceOptions(w, r, optionsType);

        if (!r.IsProvider && !r.IsComponent)
        {
            w.Append("        /// <summary>\n");
            w.Append($"        /// Get an existing {name} resource's state with the given name, ID, and optional extra\n");
            w.Append("        /// properties used to qualify the lookup.\n");
            w.Append("        /// </summary>\n");
            w.Append("        ///\n");
            w.Append("        /// <param name=\"name\">The unique name of the resulting resource.</param>\n");
            w.Append("        /// <param name=\"id\">The unique provider ID of the resource to lookup.</param>\n");
            w.Append("        /// <param name=\"options\">A bag of options that control this resource's behavior</param>\n");
            w.Append($"        public static {name} Get(string name, Input<string> id, CustomResourceOptions? options = null)\n");
            w.Append("        {\n");
            w.Append($"            return new {name}(name, id, options);\n");
            w.Append("        }\n");
        }
        w.Append("    }\n");

        DotnetClasses.InputClass(w, pkg, name + "Args", "", r.Inputs, r.IsProvider);
        w.Append("}\n");
        return w.ToString();
    }

    /// <summary>The default options: the SDK's version, secret outputs, replaceOnChanges.</summary>
    private static void MakeResourceOptions(StringBuilder w, ResourceDef r, string optionsType)
    {
        w.Append('\n');
        w.Append($"        private static {optionsType} MakeResourceOptions({optionsType}? options, Input<string>? id)\n");
        w.Append("        {\n");
        w.Append($"            var defaultOptions = new {optionsType}\n");
        w.Append("            {\n");
        w.Append("                Version = Utilities.Version,\n");
        var secrets = r.Outputs.Where(p => p.Secret).ToList();
        if (secrets.Count > 0)
        {
            w.Append("                AdditionalSecretOutputs =\n");
            w.Append("                {\n");
            foreach (var p in secrets) w.Append("                    ").Append(GoText.Quote(p.Name)).Append(",\n");
            w.Append("                },\n");
        }
        // Resource.ReplaceOnChanges (pkg/codegen/schema/schema.go) reads the output properties.
        var replace = r.Outputs.Where(p => p.ReplaceOnChanges).ToList();
        if (replace.Count > 0)
        {
            w.Append("                ReplaceOnChanges =\n");
            w.Append("                {\n");
            foreach (var p in replace) w.Append("                    ").Append(GoText.Quote(p.Name)).Append(",\n");
            w.Append("                },\n");
        }
        w.Append("            };\n");
        w.Append($"            var merged = {optionsType}.Merge(defaultOptions, options);\n");
        w.Append("            // Override the ID if one was specified for consistency with other language SDKs.\n");
        w.Append("            merged.Id = id ?? merged.Id;\n");
        w.Append("            return merged;\n");
        w.Append("        }\n");
    }
}

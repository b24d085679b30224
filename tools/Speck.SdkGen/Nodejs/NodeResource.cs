using System.Text;
using Speck.SdkGen.Schema;

namespace Speck.SdkGen.Nodejs;

/// <summary>A resource's file (`topic.ts`, `provider.ts`) as modContext.genResource writes it (nodejs/gen.go).</summary>
public static class NodeResource
{
    public static string FileName(ResourceDef r) => (r.IsProvider ? "provider" : GoText.Camel(GoText.TokenName(r.Token))) + ".ts";

    public static string File(PackageDef pkg, ResourceDef r)
    {
        var w = new StringBuilder();
        var needsTypes = NodeNames.NeedsTypes(r.Outputs) || NodeNames.NeedsTypes(r.Inputs);
        NodeNames.Header(w, NodeNames.SdkImports(pkg, ".", needsTypes, utilities: true));
        var name = r.IsProvider ? "Provider" : GoText.TokenName(r.Token);
        NodeNames.Comment(w, r.Description, "");
        // genResource (pkg/codegen/nodejs/gen.go:665-673 (pulumi v3.259.0)).
        var (baseType, optionsType) = r.IsProvider ? ("ProviderResource", "ResourceOptions")
            : r.IsComponent ? ("ComponentResource", "ComponentResourceOptions")
            : ("CustomResource", "CustomResourceOptions");
        w.Append($"export class {name} extends pulumi.{baseType} {{\n");
        if (!r.IsProvider && !r.IsComponent)
        {
            w.Append("    /**\n");
            w.Append($"     * Get an existing {name} resource's state with the given name, ID, and optional extra\n");
            w.Append("     * properties used to qualify the lookup.\n");
            w.Append("     *\n");
            w.Append("     * @param name The _unique_ name of the resulting resource.\n");
            w.Append("     * @param id The _unique_ provider ID of the resource to lookup.\n");
            w.Append("     * @param opts Optional settings to control the behavior of the CustomResource.\n");
            w.Append("     */\n");
            w.Append($"    public static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.{optionsType}): {name} {{\n");
            w.Append($"        return new {name}(name, undefined as any, {{ ...opts, id: id }});\n");
            w.Append("    }\n");
            w.Append('\n');
        }
        w.Append("    /** @internal */\n");
        w.Append($"    public static readonly __pulumiType = '{(r.IsProvider ? pkg.Name : r.Token)}';\n");
        w.Append('\n');
        w.Append("    /**\n");
        w.Append($"     * Returns true if the given object is an instance of {name}.  This is designed to work even\n");
        w.Append("     * when multiple copies of the Pulumi SDK have been loaded into the same process.\n");
        w.Append("     */\n");
        w.Append($"    public static isInstance(obj: any): obj is {name} {{\n");
        w.Append("        if (obj === undefined || obj === null) {\n");
        w.Append("            return false;\n");
        w.Append("        }\n");
        var typeExpression = (r.IsProvider ? "\"pulumi:providers:\" + " : "") + name + ".__pulumiType";
        w.Append($"        return obj['__pulumiType'] === {typeExpression};\n");
        w.Append("    }\n");
        w.Append('\n');

        var inputNames = r.Inputs.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var p in r.Outputs)
        {
            NodeNames.Comment(w, p.Description, "    ");
            var outComment = inputNames.Contains(p.Name) ? "" : "/*out*/ ";
            w.Append($"    declare public {outComment}readonly {p.Name}: {NodeNames.ResourceOutput(p)};\n");
        }
        w.Append('\n');

        w.Append("    /**\n");
        w.Append($"     * Create a {name} resource with the given unique name, arguments, and options.\n");
        w.Append("     *\n");
        w.Append("     * @param name The _unique_ name of the resource.\n");
        w.Append("     * @param args The arguments to use to populate this resource's properties.\n");
        w.Append("     * @param opts A bag of options that control this resource's behavior.\n");
        w.Append("     */\n");
        var argsFlag = r.Inputs.All(p => !p.Required) ? "?" : "";
        w.Append($"    constructor(name: string, args{argsFlag}: {name}Args, opts?: pulumi.{optionsType}) {{\n");
        w.Append("        let resourceInputs: pulumi.Inputs = {};\n");
        w.Append("        opts = opts || {};\n");
        if (r.IsProvider)
        {
            w.Append("        {\n");
            InputAssignments(w, r);
        }
        else
        {
            w.Append("        if (!opts.id) {\n");
            InputAssignments(w, r);
            w.Append("        } else {\n");
            foreach (var p in r.Outputs) w.Append($"            resourceInputs[\"{p.Name}\"] = undefined /*out*/;\n");
        }
        w.Append("        }\n");
        w.Append("        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);\n");
        var secrets = r.Outputs.Where(p => p.Secret).Select(p => p.Name).ToList();
        if (secrets.Count > 0)
        {
            w.Append($"        const secretOpts = {{ additionalSecretOutputs: [\"{string.Join("\", \"", secrets)}\"] }};\n");
            w.Append("        opts = pulumi.mergeOptions(opts, secretOpts);\n");
        }
        // Resource.ReplaceOnChanges (pkg/codegen/schema/schema.go) reads the output properties.
        var replace = r.Outputs.Where(p => p.ReplaceOnChanges).Select(p => p.Name).ToList();
        if (replace.Count > 0)
        {
            w.Append($"        const replaceOnChanges = {{ replaceOnChanges: [\"{string.Join("\", \"", replace)}\"] }};\n");
            w.Append("        opts = pulumi.mergeOptions(opts, replaceOnChanges);\n");
        }
        // A component is registered remote, so the engine calls the provider's Construct (gen.go:978-981).
        w.Append($"        super({name}.__pulumiType, name, resourceInputs, opts{(r.IsComponent ? ", true /*remote*/" : "")});\n");
        w.Append("    }\n");
        w.Append("}\n");

        w.Append('\n');
        PlainInterface(w, $"{name}Args", $"The set of arguments for constructing a {name} resource.", r.Inputs, input: true, "");
        return w.ToString();
    }

    /// <summary>genInputProps: required checks, then each input (secret-wrapped, defaulted, JSON for the provider).</summary>
    private static void InputAssignments(StringBuilder w, ResourceDef r)
    {
        foreach (var p in r.Inputs.Where(p => p.Required))
        {
            w.Append($"            if (args?.{p.Name} === undefined && !opts.urn) {{\n");
            w.Append($"                throw new Error(\"Missing required property '{p.Name}'\");\n");
            w.Append("            }\n");
        }
        foreach (var p in r.Inputs)
        {
            var arg = p.Secret ? $"args?.{p.Name} ? pulumi.secret(args.{p.Name}) : undefined" : $"args?.{p.Name}";
            if (p.Default is not null) arg = $"({arg}) ?? {GoText.Primitive(p.Default.Value)}";
            // Provider inputs are marshalled as JSON strings unless they are strings (isStringType).
            if (r.IsProvider && p.Type is not (PrimitiveType { Name: "string" } or EnumRef))
                arg = $"pulumi.output({arg}).apply(JSON.stringify)";
            w.Append($"            resourceInputs[\"{p.Name}\"] = {arg};\n");
        }
        foreach (var p in r.Outputs.Where(o => r.Inputs.All(i => i.Name != o.Name)))
            w.Append($"            resourceInputs[\"{p.Name}\"] = undefined /*out*/;\n");
    }

    /// <summary>genPlainType: an interface of input-shape or output-shape properties.</summary>
    public static void PlainInterface(StringBuilder w, string name, string comment, IReadOnlyList<Property> props,
        bool input, string indent)
    {
        NodeNames.Comment(w, comment, indent);
        w.Append($"{indent}export interface {name} {{\n");
        foreach (var p in props)
        {
            NodeNames.Comment(w, p.Description, indent + "    ");
            var sigil = p.Required ? "" : "?";
            var type = input ? NodeNames.InputProperty(p) : NodeNames.Output(p.Type);
            w.Append($"{indent}    {p.Name}{sigil}: {type};\n");
        }
        w.Append($"{indent}}}\n");
    }
}

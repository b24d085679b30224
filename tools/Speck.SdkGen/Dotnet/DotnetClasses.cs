using System.Text;
using Speck.SdkGen.Schema;

namespace Speck.SdkGen.Dotnet;

/// <summary>
/// Args classes (a resource's `XArgs`, `Inputs/XArgs.cs`) and output classes (`Outputs/X.cs`), as
/// plainType.genInputType / genInputProperty / genOutputType write them (pulumi-dotnet codegen/gen.go v3.112.1).
/// </summary>
public static class DotnetClasses
{
    /// <summary>An args class at nesting level 1 (inside the namespace).</summary>
    public static void InputClass(StringBuilder w, PackageDef pkg, string name, string comment,
        IReadOnlyList<Property> properties, bool isProvider)
    {
        const string indent = "    ";
        w.Append('\n');
        DotnetNames.Comment(w, comment, indent);
        w.Append(indent).Append("public sealed class ").Append(name).Append(" : global::Pulumi.ResourceArgs\n");
        w.Append(indent).Append("{\n");
        foreach (var p in properties)
        {
            InputProperty(w, pkg, p, isProvider);
            w.Append('\n');
        }
        w.Append(indent).Append("    public ").Append(name).Append("()\n");
        w.Append(indent).Append("    {\n");
        foreach (var p in properties.Where(p => p.Default is not null))
            w.Append(indent).Append("        ").Append(DotnetNames.PropertyName(p)).Append(" = ")
                .Append(DotnetNames.Default(pkg, p)).Append(";\n");
        w.Append(indent).Append("    }\n");
        w.Append(indent).Append("    public static new ").Append(name).Append(" Empty => new ").Append(name).Append("();\n");
        w.Append(indent).Append("}\n");
    }

    private static void InputAttribute(StringBuilder w, Property p, bool isProvider, string indent)
    {
        var args = p.Required ? ", required: true" : "";
        // Provider inputs travel as JSON strings unless they are strings (genInputPropertyAttribute).
        if (isProvider && p.Type is not PrimitiveType { Name: "string" }) args += ", json: true";
        w.Append(indent).Append("[Input(\"").Append(p.Name).Append('"').Append(args).Append(")]\n");
    }

    private static void InputProperty(StringBuilder w, PackageDef pkg, Property p, bool isProvider)
    {
        const string indent = "        ";
        var name = DotnetNames.PropertyName(p);
        var collection = p.Type is ArrayType or MapType;
        if (!collection && !p.Secret)
        {
            DotnetNames.Comment(w, p.Description, indent);
            InputAttribute(w, p, isProvider, indent);
            // isValueType sees the Input<> wrapper, so every required input gets the initializer.
            var init = p.Required ? " = null!;" : "";
            w.Append(indent).Append("public ").Append(DotnetNames.InputType(pkg, p)).Append(' ').Append(name)
                .Append(" { get; set; }").Append(init).Append('\n');
            return;
        }

        // Lists, maps and secrets get a backing field: a list or map is never null to its user, and a secret's
        // setter wraps the value so that it is sent as a secret.
        var field = "_" + p.Name;
        var fieldType = DotnetNames.Input(pkg, p.Type);
        InputAttribute(w, p, isProvider, indent);
        w.Append(indent).Append("private ").Append(fieldType).Append("? ").Append(field).Append(";\n");
        if (p.Description != "")
        {
            w.Append('\n');
            DotnetNames.Comment(w, p.Description, indent);
        }
        if (collection)
        {
            w.Append(indent).Append("public ").Append(fieldType).Append(' ').Append(name).Append('\n');
            w.Append(indent).Append("{\n");
            w.Append(indent).Append($"    get => {field} ?? ({field} = new {fieldType}());\n");
        }
        else
        {
            w.Append(indent).Append("public ").Append(fieldType).Append("? ").Append(name).Append('\n');
            w.Append(indent).Append("{\n");
            w.Append(indent).Append($"    get => {field};\n");
        }
        if (p.Secret)
        {
            w.Append(indent).Append("    set\n");
            w.Append(indent).Append("    {\n");
            switch (p.Type)
            {
                case ArrayType a:
                    w.Append(indent).Append("        var emptySecret = Output.CreateSecret(ImmutableArray.Create<")
                        .Append(DotnetNames.Plain(pkg, a.Element, "Inputs")).Append(">());\n");
                    w.Append(indent).Append($"        {field} = Output.All(value, emptySecret).Apply(v => v[0]);\n");
                    break;
                case MapType m:
                    w.Append(indent).Append("        var emptySecret = Output.CreateSecret(ImmutableDictionary.Create<string, ")
                        .Append(DotnetNames.Plain(pkg, m.Element, "Inputs")).Append(">());\n");
                    w.Append(indent).Append($"        {field} = Output.All(value, emptySecret).Apply(v => v[0]);\n");
                    break;
                default:
                    w.Append(indent).Append("        var emptySecret = Output.CreateSecret(0);\n");
                    w.Append(indent).Append($"        {field} = Output.Tuple<{fieldType}?, int>(value, emptySecret).Apply(t => t.Item1);\n");
                    break;
            }
            w.Append(indent).Append("    }\n");
        }
        else
        {
            w.Append(indent).Append($"    set => {field} = value;\n");
        }
        w.Append(indent).Append("}\n");
    }

    /// <summary>An output class at nesting level 1: readonly fields set by an [OutputConstructor].</summary>
    public static void OutputClass(StringBuilder w, PackageDef pkg, ObjectTypeDef obj)
    {
        const string indent = "    ";
        var name = GoText.TokenName(obj.Token);
        w.Append('\n');
        DotnetNames.Comment(w, obj.Description, indent);
        w.Append(indent).Append("[OutputType]\n");
        w.Append(indent).Append("public sealed class ").Append(name).Append('\n');
        w.Append(indent).Append("{\n");
        foreach (var p in obj.Properties)
        {
            DotnetNames.Comment(w, p.Description, indent + "    ");
            w.Append(indent).Append("    public readonly ").Append(DotnetNames.OutputType(pkg, p)).Append(' ')
                .Append(DotnetNames.PropertyName(p)).Append(";\n");
        }
        if (obj.Properties.Count > 0) w.Append('\n');
        w.Append(indent).Append("    [OutputConstructor]\n");
        w.Append(indent).Append("    private ").Append(name).Append('(');
        for (var i = 0; i < obj.Properties.Count; i++)
        {
            var p = obj.Properties[i];
            var def = DotnetNames.OutputType(pkg, p) + " " + DotnetNames.Identifier(p.Name)
                + (i != obj.Properties.Count - 1 ? ",\n" : "");
            if (obj.Properties.Count > 1) def = "\n" + indent + "        " + def;
            w.Append(def);
        }
        w.Append(")\n");
        w.Append(indent).Append("    {\n");
        foreach (var p in obj.Properties)
        {
            var param = DotnetNames.Identifier(p.Name);
            var field = DotnetNames.PropertyName(p);
            if (field == param) field = "this." + field;
            w.Append(indent).Append("        ").Append(field).Append(" = ").Append(param).Append(";\n");
        }
        w.Append(indent).Append("    }\n");
        w.Append(indent).Append("}\n");
    }
}

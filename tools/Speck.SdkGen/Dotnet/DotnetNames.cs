using Speck.SdkGen.Schema;

namespace Speck.SdkGen.Dotnet;

/// <summary>
/// Names and type strings as pulumi-dotnet's codegen makes them (pulumi-language-dotnet/codegen/gen.go,
/// pulumi-dotnet v3.112.1: namespaceName, tokenToNamespace, typeString, csharpIdentifier).
/// </summary>
public static class DotnetNames
{
    private static readonly HashSet<string> Keywords =
    [
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
        "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
        "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
        "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override",
        "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof",
        "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong",
        "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
    ];

    /// <summary>GetRootNamespace: `Pulumi` unless the schema says otherwise.</summary>
    public static string RootNamespace(CSharpInfo info) => info.RootNamespace == "" ? "Pulumi" : info.RootNamespace;

    /// <summary>namespaceName: the `namespaces` override, else each `-`/`/` part upper-cased first.</summary>
    public static string NamespaceName(IReadOnlyDictionary<string, string> namespaces, string name)
    {
        if (namespaces.TryGetValue(name, out var ns)) return ns;
        return string.Join(".", name.Split('/').Select(part => string.Concat(part.Split('-').Select(GoText.UppercaseFirst))));
    }

    /// <summary>The root module's namespace, which is also the assembly and NuGet package name (GeneratePackage).</summary>
    public static string PackageNamespace(CSharpInfo info, string packageName) =>
        RootNamespace(info) + "." + NamespaceName(info.Namespaces, packageName);

    public static string PropertyName(Property p) => GoText.UppercaseFirst(p.Name);

    /// <summary>csharpIdentifier: keywords get an `@`.</summary>
    public static string Identifier(string s) => Keywords.Contains(s) ? "@" + s : s;

    /// <summary>A property's type on a resource's outputs or an output type (typeString, input = false).</summary>
    public static string OutputType(PackageDef pkg, Property p) =>
        p.Required || p.Type is ArrayType ? Plain(pkg, p.Type, "Outputs") : Plain(pkg, p.Type, "Outputs") + "?";

    /// <summary>
    /// A property's type on an input shape (resource args, `Inputs/*Args`): Input&lt;T&gt;, InputList&lt;T&gt; or
    /// InputMap&lt;T&gt;, `?` when optional except for lists and maps (ignoreOptional).
    /// </summary>
    public static string InputType(PackageDef pkg, Property p)
    {
        var t = Input(pkg, p.Type);
        return p.Required || p.Type is ArrayType or MapType ? t : t + "?";
    }

    /// <summary>Input(T): the element of a list or map is plain (codegen.PlainType).</summary>
    public static string Input(PackageDef pkg, TypeRef t) => t switch
    {
        ArrayType a => $"InputList<{Plain(pkg, a.Element, "Inputs")}>",
        MapType m => $"InputMap<{Plain(pkg, m.Element, "Inputs")}>",
        _ => $"Input<{Plain(pkg, t, "Inputs")}>",
    };

    /// <summary>A type without Input wrappers; objects qualified `Outputs.X` or `Inputs.XArgs`.</summary>
    public static string Plain(PackageDef pkg, TypeRef t, string qualifier) => t switch
    {
        PrimitiveType { Name: "string" } => "string",
        PrimitiveType { Name: "integer" } => "int",
        PrimitiveType { Name: "number" } => "double",
        PrimitiveType { Name: "boolean" } => "bool",
        AnyType => "object",
        AssetType => "AssetOrArchive",
        ArrayType a => $"ImmutableArray<{Plain(pkg, a.Element, qualifier)}>",
        MapType m => $"ImmutableDictionary<string, {Plain(pkg, m.Element, qualifier)}>",
        EnumRef e => $"{PackageNamespace(pkg.CSharp, pkg.Name)}.{GoText.TokenName(e.Token)}",
        ObjectRef o => qualifier == "Inputs" ? $"Inputs.{GoText.TokenName(o.Token)}Args" : $"Outputs.{GoText.TokenName(o.Token)}",
        _ => throw new UnsupportedSchemaException(t.ToString(), "no C# type"),
    };

    /// <summary>Enums, `bool`, `int` and `double` are value types (isValueType).</summary>
    public static bool IsValueType(TypeRef t) => t is EnumRef or PrimitiveType { Name: "boolean" or "integer" or "number" };

    /// <summary>A default value: an enum's member, else the Go-printed primitive (getDefaultValue).</summary>
    public static string Default(PackageDef pkg, Property p)
    {
        var value = p.Default!.Value;
        if (p.Type is EnumRef e)
        {
            var member = pkg.Enum(e.Token).Values.Single(v => v.Value == (string)value);
            return $"{PackageNamespace(pkg.CSharp, pkg.Name)}.{GoText.TokenName(e.Token)}.{member.Name}";
        }
        return GoText.Primitive(value);
    }

    /// <summary>printComment: `///` summary lines, &amp; &lt; &gt; escaped, trailing empty lines dropped.</summary>
    public static void Comment(System.Text.StringBuilder w, string comment, string indent)
    {
        comment = comment.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);
        var lines = comment.Split('\n').ToList();
        while (lines.Count > 0 && lines[^1] == "") lines.RemoveAt(lines.Count - 1);
        if (lines.Count == 0) return;
        w.Append(indent).Append("/// <summary>\n");
        foreach (var l in lines) w.Append(indent).Append("/// ").Append(l).Append('\n');
        w.Append(indent).Append("/// </summary>\n");
    }
}

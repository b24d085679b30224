using System.Text;
using Speck.SdkGen.Schema;

namespace Speck.SdkGen.Dotnet;

/// <summary>`Enums.cs`: each string enum a readonly struct with [EnumType] (modContext.genEnums / genEnum).</summary>
public static class DotnetEnums
{
    public static string File(PackageDef pkg)
    {
        var w = new StringBuilder();
        DotnetPackage.Header(w, ["System", "System.ComponentModel", "Pulumi"]);
        w.Append("namespace ").Append(DotnetNames.PackageNamespace(pkg.CSharp, pkg.Name)).Append('\n');
        w.Append("{\n");
        for (var i = 0; i < pkg.Enums.Count; i++)
        {
            Enum(w, pkg.Enums[i]);
            if (i != pkg.Enums.Count - 1) w.Append('\n');
        }
        w.Append("}\n");
        return w.ToString();
    }

    private static void Enum(StringBuilder w, EnumTypeDef e)
    {
        var name = GoText.TokenName(e.Token);
        DotnetNames.Comment(w, e.Description, "    ");
        w.Append("    [EnumType]\n");
        w.Append($"    public readonly struct {name} : IEquatable<{name}>\n");
        w.Append("    {\n");
        w.Append("        private readonly string _value;\n");
        w.Append('\n');
        w.Append($"        private {name}(string value)\n");
        w.Append("        {\n");
        w.Append("            _value = value ?? throw new ArgumentNullException(nameof(value));\n");
        w.Append("        }\n");
        w.Append('\n');
        foreach (var v in e.Values)
        {
            DotnetNames.Comment(w, v.Description, "        ");
            w.Append($"        public static {name} {v.Name} {{ get; }} = new {name}({GoText.Quote(v.Value)});\n");
        }
        w.Append('\n');
        w.Append($"        public static bool operator ==({name} left, {name} right) => left.Equals(right);\n");
        w.Append($"        public static bool operator !=({name} left, {name} right) => !left.Equals(right);\n");
        w.Append('\n');
        w.Append($"        public static explicit operator string({name} value) => value._value;\n");
        w.Append('\n');
        w.Append("        [EditorBrowsable(EditorBrowsableState.Never)]\n");
        w.Append($"        public override bool Equals(object? obj) => obj is {name} other && Equals(other);\n");
        w.Append($"        public bool Equals({name} other) => string.Equals(_value, other._value, StringComparison.Ordinal);\n");
        w.Append('\n');
        w.Append("        [EditorBrowsable(EditorBrowsableState.Never)]\n");
        w.Append("        public override int GetHashCode() => _value?.GetHashCode() ?? 0;\n");
        w.Append('\n');
        w.Append("        public override string ToString() => _value;\n");
        w.Append("    }\n");
    }
}

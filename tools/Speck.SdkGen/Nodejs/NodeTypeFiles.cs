using System.Text;
using Speck.SdkGen.Schema;

namespace Speck.SdkGen.Nodejs;

/// <summary>
/// The `types` module: types/input.ts, types/output.ts, types/enums/index.ts and types/index.ts (modContext.genTypes,
/// genNamespace, genEnums, genIndex in pkg/codegen/nodejs/gen.go v3.259.0).
/// </summary>
public static class NodeTypeFiles
{
    /// <summary>
    /// genNamespace walks every object twice, plain shape then input shape, and writes a blank line after each type
    /// it emits unless that type is the walk's last entry.
    /// </summary>
    public static string Types(PackageDef pkg, bool input, HashSet<string> reachable)
    {
        var w = new StringBuilder();
        NodeNames.Header(w, NodeNames.SdkImports(pkg, "..", nested: true, utilities: false));
        var walk = pkg.Objects.OrderBy(o => GoText.TokenName(o.Token), StringComparer.Ordinal)
            .SelectMany(o => new[] { (Obj: o, InputShape: false), (Obj: o, InputShape: true) })
            .ToList();
        for (var i = 0; i < walk.Count; i++)
        {
            var (obj, inputShape) = walk[i];
            if (inputShape != input || !reachable.Contains(obj.Token)) continue;
            var name = GoText.TokenName(obj.Token) + (input ? "Args" : "");
            NodeResource.PlainInterface(w, name, obj.Description, obj.Properties, input, "");
            if (i != walk.Count - 1) w.Append('\n');
        }
        return w.ToString();
    }

    public static string Enums(PackageDef pkg)
    {
        var w = new StringBuilder();
        NodeNames.Header(w, []);
        w.Append('\n');
        for (var i = 0; i < pkg.Enums.Count; i++)
        {
            var e = pkg.Enums[i];
            var name = GoText.TokenName(e.Token);
            w.Append($"export const {name} = {{\n");
            foreach (var v in e.Values)
            {
                NodeNames.Comment(w, v.Description, "    ");
                w.Append($"    {v.Name}: {GoText.Quote(v.Value)},\n");
            }
            w.Append("} as const;\n");
            w.Append('\n');
            NodeNames.Comment(w, e.Description, "");
            w.Append($"export type {name} = (typeof {name})[keyof typeof {name}];\n");
            if (i != pkg.Enums.Count - 1) w.Append('\n');
        }
        return w.ToString();
    }

    /// <summary>types/index.ts: the enums, input and output sub-modules.</summary>
    public static string Index(PackageDef pkg)
    {
        var children = new List<string>();
        if (pkg.Enums.Count > 0) children.Add("enums");
        children.AddRange(["input", "output"]);
        var w = new StringBuilder();
        NodeNames.Header(w, ["import * as utilities from \"../utilities\";"]);
        SubModules(w, children);
        return w.ToString();
    }

    /// <summary>`// Export sub-modules:` with the sorted imports and the export block (printSubmoduleExports).</summary>
    public static void SubModules(StringBuilder w, IReadOnlyList<string> children)
    {
        var sorted = children.Order(StringComparer.Ordinal).ToList();
        w.Append("// Export sub-modules:\n");
        foreach (var c in sorted) w.Append($"import * as {c} from \"./{c}\";\n");
        w.Append('\n');
        w.Append("export {\n");
        foreach (var c in sorted) w.Append($"    {c},\n");
        w.Append("};\n");
    }
}

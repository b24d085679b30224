using Speck.SdkGen.Schema;

namespace Speck.SdkGen;

/// <summary>The object types reachable from some properties (codegen.VisitTypeClosure).</summary>
public static class Reachable
{
    public static HashSet<string> Objects(PackageDef pkg, IEnumerable<Property> properties)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in properties) Visit(pkg, p.Type, seen);
        return seen;
    }

    private static void Visit(PackageDef pkg, TypeRef t, HashSet<string> seen)
    {
        switch (t)
        {
            case ArrayType a: Visit(pkg, a.Element, seen); break;
            case MapType m: Visit(pkg, m.Element, seen); break;
            case ObjectRef o when seen.Add(o.Token):
                foreach (var p in pkg.Object(o.Token).Properties) Visit(pkg, p.Type, seen);
                break;
        }
    }
}

using Speck.SdkGen.Dotnet;
using Speck.SdkGen.Nodejs;
using Speck.SdkGen.Schema;

namespace Speck.SdkGen;

/// <summary>Both SDKs from one schema, as path → bytes per language folder.</summary>
public static class SdkGenerator
{
    public static SortedDictionary<string, SortedDictionary<string, byte[]>> Generate(string schemaJson)
    {
        var pkg = SchemaReader.Read(schemaJson);
        return new(StringComparer.Ordinal)
        {
            ["dotnet"] = DotnetPackage.Generate(pkg),
            ["nodejs"] = NodePackage.Generate(pkg),
        };
    }

    /// <summary>Replaces <paramref name="dir"/> with exactly these files.</summary>
    public static void Write(string dir, IReadOnlyDictionary<string, byte[]> files)
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        foreach (var (path, bytes) in files)
        {
            var full = Path.Combine(dir, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, bytes);
        }
    }
}

using Speck.SdkGen;
using Speck.SdkGen.Schema;

// speck-sdkgen <schema.json> <sdk dir>: writes <sdk dir>/dotnet and <sdk dir>/nodejs, each replaced as a whole the way
// `pulumi package gen-sdk` replaces its output folder. Nothing is written unless both SDKs generate.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: speck-sdkgen <schema.json> <sdk dir>");
    return 2;
}
try
{
    var sdks = SdkGenerator.Generate(File.ReadAllText(args[0]));
    foreach (var (language, files) in sdks)
        SdkGenerator.Write(Path.Combine(args[1], language), files);
    Console.Error.WriteLine($"wrote {string.Join(", ", sdks.Keys.Select(l => Path.Combine(args[1], l)))}");
    return 0;
}
catch (UnsupportedSchemaException e)
{
    Console.Error.WriteLine($"speck-sdkgen: unsupported schema construct at {e.Message}");
    return 1;
}

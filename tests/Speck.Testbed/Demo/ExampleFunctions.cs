namespace Speck.Testbed.Demo;

/// <summary>
/// The Node-RED function bodies examples/road-traffic reads with <c>fn::readFile: ./functions/…</c> (and its
/// TypeScript and C# programs with the file API): a working copy of the program needs them beside it.
/// </summary>
public static class ExampleFunctions
{
    /// <param name="example">The example's folder (examples/road-traffic).</param>
    /// <param name="program">The working copy's folder.</param>
    public static void CopyInto(string example, string program)
    {
        var target = Directory.CreateDirectory(Path.Combine(program, "functions")).FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(example, "functions")))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
    }
}

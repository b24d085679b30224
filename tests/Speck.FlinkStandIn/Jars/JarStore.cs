using System.IO.Compression;
using System.Security.Cryptography;
using Speck.FlinkStandIn.Http;

namespace Speck.FlinkStandIn.Jars;

/// <summary>What the stand-in learned from a jar: its entry classes and its content hash. It never loads any class.</summary>
public sealed record JarProgram(string JarId, string Path, string Sha256, string EntryClass);

/// <summary>
/// Jars in the upload directory, named <c>&lt;uuid&gt;_&lt;name&gt;.jar</c>; the file name is the jar id
/// (docs/flink-rest.md §Jars). Entry classes come from the manifest (<c>program-class</c>, else <c>Main-Class</c>,
/// comma-split); a class whose <c>.class</c> file is not in the jar counts as one that fails to load.
/// </summary>
public sealed class JarStore(string directory)
{
    public string Directory { get; } = directory;

    public string Save(string originalName, Stream content)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var id = $"{Guid.NewGuid()}_{originalName}";
        using var file = File.Create(System.IO.Path.Combine(Directory, id));
        content.CopyTo(file);
        return System.IO.Path.Combine(Directory, id);
    }

    public IReadOnlyList<(string Id, string Name, long Uploaded, IReadOnlyList<string> Entries)> List()
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        var result = new List<(string, string, long, IReadOnlyList<string>)>();
        foreach (var path in System.IO.Directory.GetFiles(Directory).Order(StringComparer.Ordinal))
        {
            var id = System.IO.Path.GetFileName(path);
            var underscore = id.IndexOf('_');
            if (underscore <= 0 || !id.EndsWith(".jar", StringComparison.Ordinal)) continue;
            var uploaded = new DateTimeOffset(File.GetLastWriteTimeUtc(path)).ToUnixTimeMilliseconds();
            result.Add((id, id[(underscore + 1)..], uploaded, LoadableEntryClasses(path)));
        }
        return result;
    }

    /// <summary>Deletes a jar; Flink answers 400 (not 404) for an unknown id.</summary>
    public void Delete(string jarId)
    {
        var path = PathOf(jarId);
        if (!File.Exists(path)) throw FlinkRestException.Handler(400, $"File {jarId} does not exist in {Directory}.");
        File.Delete(path);
    }

    /// <summary>
    /// Resolves the program a run would execute. A missing jar and a bad entry class escape Flink's handler as
    /// non-RestHandlerExceptions, so they answer 500 (docs/flink-rest.md §Jars, unverified).
    /// </summary>
    public JarProgram Program(string jarId, string? entryClass)
    {
        var path = PathOf(jarId);
        if (!File.Exists(path))
            throw FlinkRestException.Internal(new JavaError("java.util.concurrent.CompletionException",
                $"{FlinkRestException.RestHandlerException}: Jar file {path} does not exist",
                new JavaError(FlinkRestException.RestHandlerException, $"Jar file {path} does not exist")));
        string[] classes;
        Dictionary<string, string> manifest;
        try
        {
            using var zip = ZipFile.OpenRead(path);
            classes = zip.Entries.Select(e => e.FullName).ToArray();
            manifest = ReadManifest(zip);
        }
        catch (InvalidDataException)
        {
            throw ProgramInvocation($"Error while opening jar file '{path}'");
        }
        var entry = entryClass;
        if (string.IsNullOrEmpty(entry))
        {
            entry = manifest.GetValueOrDefault("program-class") ?? manifest.GetValueOrDefault("Main-Class");
            if (string.IsNullOrEmpty(entry))
                throw ProgramInvocation("Neither a 'Main-Class', nor a 'program-class' entry was found in the jar file.");
            entry = entry.Split(',')[0].Trim();
        }
        if (!classes.Contains(ClassFile(entry)))
            throw ProgramInvocation($"The program's entry point class '{entry}' was not found in the jar file.");
        using var stream = File.OpenRead(path);
        return new JarProgram(jarId, path, Convert.ToHexStringLower(SHA256.HashData(stream)), entry);
    }

    private string PathOf(string jarId)
    {
        if (jarId.Contains('/') || jarId.Contains('\\') || jarId == "..")
            throw FlinkRestException.BadPathParameter("jarid", jarId);
        return System.IO.Path.Combine(Directory, jarId);
    }

    private static FlinkRestException ProgramInvocation(string message) =>
        FlinkRestException.Internal(new JavaError("java.util.concurrent.CompletionException",
            "org.apache.flink.client.program.ProgramInvocationException: " + message,
            new JavaError("org.apache.flink.client.program.ProgramInvocationException", message)));

    private static string ClassFile(string className) => className.Replace('.', '/') + ".class";

    private static IReadOnlyList<string> LoadableEntryClasses(string path)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var manifest = ReadManifest(zip);
            var names = manifest.GetValueOrDefault("program-class") ?? manifest.GetValueOrDefault("Main-Class") ?? "";
            var files = zip.Entries.Select(e => e.FullName).ToHashSet();
            return names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(c => files.Contains(ClassFile(c))).ToList();
        }
        catch (InvalidDataException)
        {
            return [];
        }
    }

    private static Dictionary<string, string> ReadManifest(ZipArchive zip)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var entry = zip.GetEntry("META-INF/MANIFEST.MF");
        if (entry is null) return result;
        using var reader = new StreamReader(entry.Open());
        string? key = null;
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith(' ') && key is not null) { result[key] += line[1..]; continue; }
            var colon = line.IndexOf(':');
            if (colon <= 0) { key = null; continue; }
            key = line[..colon].Trim();
            result[key] = line[(colon + 1)..].Trim();
        }
        return result;
    }
}

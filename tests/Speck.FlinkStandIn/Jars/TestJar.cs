using System.IO.Compression;
using System.Text;

namespace Speck.FlinkStandIn.Jars;

/// <summary>
/// Builds a jar the stand-in (and Flink's jar listing) accepts: a manifest naming the entry class and a placeholder
/// <c>.class</c> file for it. The class is never loaded or run.
/// </summary>
public static class TestJar
{
    public static byte[] Build(string entryClass, bool withManifest = true)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            if (withManifest)
            {
                using var m = new StreamWriter(zip.CreateEntry("META-INF/MANIFEST.MF").Open(), new UTF8Encoding(false));
                m.Write($"Manifest-Version: 1.0\r\nMain-Class: {entryClass}\r\n\r\n");
            }
            using var c = zip.CreateEntry(entryClass.Replace('.', '/') + ".class").Open();
            c.Write([0xCA, 0xFE, 0xBA, 0xBE]);
        }
        return buffer.ToArray();
    }
}

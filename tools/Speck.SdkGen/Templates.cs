using System.Text;

namespace Speck.SdkGen;

/// <summary>
/// Fixed text the upstream generators emit as-is (Utilities.cs, utilities.ts, the Config class preamble) and the
/// logo gen-sdk downloads when a schema has no logoUrl, embedded so that generation needs no network.
/// </summary>
public static class Templates
{
    public static byte[] Bytes(string name)
    {
        using var stream = typeof(Templates).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"template {name} is not embedded");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public static string Text(string name) => Encoding.UTF8.GetString(Bytes(name));
}

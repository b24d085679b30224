using System.Security.Cryptography;
using System.Text;

namespace Speck.Provider.Spe.Flink;

/// <summary>
/// The IDs this provider gives Flink. A job ID is 32 hex: the first 8 are the jar's content tag (so the jars live
/// jobs use can be told from <c>/jobs/overview</c> alone), the other 24 come from the resource key and generation
/// (so an interrupted deployment finds its job again). Jars are named <c>speck-&lt;sha256 prefix&gt;-&lt;name&gt;.jar</c>.
/// </summary>
public static class FlinkJobIds
{
    public const string JarPrefix = "speck-";

    public static string JobId(string jarSha256, string key, int generation) => JarTag(jarSha256) + AttemptTag(key, generation);

    public static string JarTag(string sha256) => sha256[..8].ToLowerInvariant();

    public static string AttemptTag(string key, int generation) => Hash($"{key}#{generation}")[..24];

    /// <summary>A trigger ID per job and purpose: re-posting it after a crash returns the same operation.</summary>
    public static string TriggerId(string jobId, string purpose) => Hash($"{jobId}#{purpose}")[..32];

    public static string JarName(string sha256, string fileName)
    {
        var stem = Path.GetFileNameWithoutExtension(fileName);
        var clean = new string(stem.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '-').ToArray());
        if (clean.Length > 60) clean = clean[..60];
        return $"{JarPrefix}{sha256[..16].ToLowerInvariant()}-{(clean.Length == 0 ? "job" : clean)}.jar";
    }

    /// <summary>The content tag of a jar this provider uploaded, or null for anyone else's jar.</summary>
    public static string? ManagedJarSha16(string jarName) =>
        jarName.StartsWith(JarPrefix, StringComparison.Ordinal) && jarName.Length > JarPrefix.Length + 17
            && jarName[JarPrefix.Length + 16] == '-' && jarName.Substring(JarPrefix.Length, 16).All(char.IsAsciiHexDigitLower)
            ? jarName.Substring(JarPrefix.Length, 16)
            : null;

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

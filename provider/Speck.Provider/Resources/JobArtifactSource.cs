using System.Security.Cryptography;
using Speck.Host.Resources;
using Speck.Provider.Spe;

namespace Speck.Provider.Resources;

/// <summary>Turns a job's <c>artifact</c> asset or <c>jarPath</c> into a <see cref="JobArtifact"/> named by its sha256.</summary>
public static class JobArtifactSource
{
    /// <summary>The local file a job's jar comes from, or a reason it has none.</summary>
    public static (string? Path, string? Problem) Locate(StreamJobArgs args)
    {
        if (args.Artifact is { } asset)
        {
            if (asset.Path is { } p) return (p, null);
            if (asset.Uri is { } u && Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.IsFile) return (uri.LocalPath, null);
            return (null, "give the jar as a file asset (`fn::fileAsset`) or a file:// asset; text and remote assets are not supported");
        }
        if (args.JarPath is { } path) return (path, null);
        return (null, "give the job's jar as `artifact` or `jarPath`");
    }

    public static async Task<JobArtifact> LoadAsync(StreamJobArgs args, CancellationToken ct)
    {
        var (path, problem) = Locate(args);
        if (path is null) throw ProviderException.Invalid(problem!);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw ProviderException.Invalid($"the job's jar '{path}' does not exist");
        string sha;
        await using (var stream = File.OpenRead(full))
            sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
        return new JobArtifact(sha, Path.GetFileName(full), _ => Task.FromResult<Stream>(File.OpenRead(full)));
    }
}

using System.Security.Cryptography;
using Speck.Host.Resources;

namespace Speck.Provider.Spe.Flink;

/// <summary>
/// A job's jar, from its <c>artifact</c> asset or <c>jarPath</c>, as a <see cref="JobArtifact"/> named by its sha256:
/// Check's failures for it, and the jar a deployment uploads.
/// </summary>
public static class FlinkJars
{
    /// <summary>Check failures of a job's code on a Flink site: a jar, given once, that exists.</summary>
    public static IEnumerable<JobProblem> Problems(JobCheck check)
    {
        var job = check.Job;
        if (job.Processing is not null)
            yield return new("nodeRed", $"`nodeRed` is for Node-RED sites; '{job.Site.SiteName}' runs {job.Site.Spe.Kind}: give a jar");
        if (job.Asset is not null && job.Path is not null)
            yield return new("jarPath", "give either `artifact` or `jarPath`, not both");
        else if (!check.Unknown("artifact") && !check.Unknown("jarPath") && !check.Failed("artifact") && !check.Failed("jarPath"))
        {
            var (path, problem) = Locate(job);
            if (problem is not null) yield return new("artifact", problem);
            else if (!File.Exists(path)) yield return new(job.Asset is null ? "jarPath" : "artifact", $"the jar '{path}' does not exist");
        }
    }

    /// <summary>The local file a job's jar comes from, or a reason it has none.</summary>
    public static (string? Path, string? Problem) Locate(JobSource job)
    {
        if (job.Asset is { } asset)
        {
            if (asset.Path is { } p) return (p, null);
            if (asset.Uri is { } u && Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.IsFile) return (uri.LocalPath, null);
            return (null, "give the jar as a file asset (`fn::fileAsset`) or a file:// asset; text and remote assets are not supported");
        }
        if (job.Path is { } path) return (path, null);
        return (null, "give the job's jar as `artifact` or `jarPath`");
    }

    /// <summary>The jar the inputs ask for; only Check and Create and the new inputs of Update carry an asset's path.</summary>
    public static async Task<JobArtifact> LoadAsync(JobSource job, CancellationToken ct)
    {
        var (path, problem) = Locate(job);
        if (path is null) throw ProviderException.Invalid(problem!);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw ProviderException.Invalid($"the job's jar '{path}' does not exist");
        try
        {
            return await LoadFileAsync(full, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing of the job exists yet (its code is read first): a clean failure, not an unknown outcome.
            throw ProviderException.Precondition($"the job's jar '{path}' cannot be read: {e.Message}");
        }
    }

    /// <summary>
    /// The jar a recorded job was deployed from, named by the <c>artifactSha256</c> it recorded. The engine sends the
    /// old inputs and outputs of Diff, Update, Read and Delete with assets elided to their hash (no path, no text:
    /// pkg/resource/plugin/provider_plugin.go:1320-1346, 1728-1739 (pulumi v3.259.0), see docs/pulumi-engine.md §Assets), so the
    /// old jar is usually known only by its hash: the site keeps it (one copy per content) and the binder finds it
    /// there. A local file that still holds that content (a <c>jarPath</c>) lets the binder upload it again if needed.
    /// </summary>
    public static async Task<JobArtifact> DeployedAsync(JobSource job, string sha, CancellationToken ct)
    {
        if (Locate(job).Path is { } path && File.Exists(Path.GetFullPath(path)))
        {
            var local = await LoadFileAsync(Path.GetFullPath(path), ct);
            if (local.Sha256 == sha) return local;
        }
        return JobArtifact.OnSite(sha);
    }

    private static async Task<JobArtifact> LoadFileAsync(string full, CancellationToken ct)
    {
        string sha;
        await using (var stream = File.OpenRead(full))
            sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
        return new JobArtifact(sha, Path.GetFileName(full), _ => Task.FromResult<Stream>(File.OpenRead(full)));
    }
}

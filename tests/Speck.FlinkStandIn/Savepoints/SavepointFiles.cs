using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Speck.FlinkStandIn.Http;
using Speck.FlinkStandIn.Jobs;

namespace Speck.FlinkStandIn.Savepoints;

/// <summary>What a stand-in savepoint's <c>_metadata</c> records, so tests can prove where a restore came from.</summary>
public sealed record SavepointMetadata(string JobId, string JarSha256, string EntryClass, long State, long CheckpointId, IReadOnlyList<string> OperatorIds,
    bool IsSavepoint = true);

/// <summary>
/// Savepoints are real directories, <c>&lt;dir&gt;/savepoint-&lt;jid[0:6]&gt;-&lt;12 hex&gt;/_metadata</c>
/// (docs/flink-rest.md §Savepoints), whose <c>_metadata</c> is JSON instead of Flink's binary format. Only the local
/// file system is available.
/// </summary>
public static class SavepointFiles
{
    private const string Magic = "speck-flink-standin-savepoint";

    /// <summary>Writes a savepoint and returns its location as Flink reports it (<c>file:/abs/dir/savepoint-…</c>).</summary>
    internal static string Write(string targetDirectory, Job job, long state, long checkpointId) =>
        WriteAt(Path.Combine(LocalPath(targetDirectory, out var error) ?? throw new SavepointException(error!),
            $"savepoint-{job.Id[..6]}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}"), job, state, checkpointId, savepoint: true);

    /// <summary>A periodic checkpoint: <c>&lt;dir&gt;/&lt;job id&gt;/chk-&lt;n&gt;</c>, located as Flink reports it.</summary>
    internal static string WriteCheckpoint(string checkpointDirectory, Job job, long state, long checkpointId) =>
        WriteAt(Path.Combine(LocalPath(checkpointDirectory, out var error) ?? throw new SavepointException(error!), job.Id, $"chk-{checkpointId}"),
            job, state, checkpointId, savepoint: false);

    private static string WriteAt(string dir, Job job, long state, long checkpointId, bool savepoint)
    {
        Directory.CreateDirectory(dir);
        var metadata = new JsonObject
        {
            ["format"] = Magic, ["jobId"] = job.Id, ["jarSha256"] = job.JarSha256, ["entryClass"] = job.EntryClass,
            ["state"] = state, ["checkpointId"] = checkpointId, ["operatorIds"] = new JsonArray(job.OperatorIds.Select(id => (JsonNode)id!).ToArray()),
            ["savepoint"] = savepoint,
        };
        File.WriteAllText(Path.Combine(dir, "_metadata"), metadata.ToJsonString());
        return "file:" + dir;
    }

    /// <summary>Bytes of a savepoint's files, reported as its state size.</summary>
    internal static long Size(string location) =>
        new DirectoryInfo(LocalPath(location, out _)!).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    /// <summary>
    /// Reads the savepoint a run restores from, or throws the cause Flink's JobMaster would fail with
    /// (docs/flink-rest.md §Restoring from a bad savepoint).
    /// </summary>
    public static (string Directory, SavepointMetadata Metadata) Read(string savepointPath)
    {
        var local = LocalPath(savepointPath, out var error) ?? throw new SavepointException(error!);
        var metadataFile = Path.GetFileName(local) == "_metadata" ? local : Path.Combine(local, "_metadata");
        if (!File.Exists(metadataFile))
            throw new SavepointException(new JavaError("java.io.FileNotFoundException",
                $"Cannot find checkpoint or savepoint file/directory '{savepointPath}' on file system 'file'."));
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(metadataFile))!.AsObject();
            if ((string?)node["format"] != Magic) throw new JsonException();
            var metadata = new SavepointMetadata((string)node["jobId"]!, (string)node["jarSha256"]!, (string)node["entryClass"]!,
                (long)node["state"]!, (long)node["checkpointId"]!, node["operatorIds"]!.AsArray().Select(n => (string)n!).ToList(),
                (bool?)node["savepoint"] ?? true);
            return (Path.GetDirectoryName(metadataFile)!, metadata);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            throw new SavepointException(new JavaError("java.io.IOException",
                $"Unexpected magic number in savepoint metadata file '{metadataFile}'."));
        }
    }

    /// <summary>Removes a discarded checkpoint's directory (and its job's folder once empty), as the checkpoint storage does.</summary>
    internal static void DiscardCheckpoint(string location)
    {
        if (LocalPath(location, out _) is not { } dir || !Directory.Exists(dir)) return;
        Directory.Delete(dir, recursive: true);
        var parent = Path.GetDirectoryName(dir)!;
        if (Directory.Exists(parent) && !Directory.EnumerateFileSystemEntries(parent).Any()) Directory.Delete(parent);
    }

    /// <summary>Deletes a savepoint directory; returns the failure when the path holds no stand-in savepoint.</summary>
    internal static JavaError? Dispose(string savepointPath)
    {
        try
        {
            var (dir, _) = Read(savepointPath);
            Directory.Delete(dir, recursive: true);
            return null;
        }
        catch (SavepointException e)
        {
            return e.Error;
        }
        catch (IOException e)
        {
            return new JavaError("java.io.IOException", e.Message);
        }
    }

    /// <summary>
    /// Accepts <c>/abs</c>, <c>file:/abs</c> and <c>file:///abs</c>; any other scheme has no file system here, as a Flink
    /// without that plugin would report.
    /// </summary>
    private static string? LocalPath(string path, out JavaError? error)
    {
        error = null;
        var colon = path.IndexOf(':');
        if (colon > 1 && !path.StartsWith("file:", StringComparison.Ordinal))
        {
            error = new JavaError("org.apache.flink.core.fs.UnsupportedFileSystemSchemeException",
                $"Could not find a file system implementation for scheme '{path[..colon]}'.");
            return null;
        }
        var local = path.StartsWith("file:", StringComparison.Ordinal) ? path[5..] : path;
        while (local.StartsWith("//", StringComparison.Ordinal)) local = local[1..];
        return Path.GetFullPath(local);
    }
}

/// <summary>A savepoint write or read failed; carries the Java cause Flink would report.</summary>
public sealed class SavepointException(JavaError error) : Exception(error.Message)
{
    public JavaError Error { get; } = error;
}

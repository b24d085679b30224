using System.Text.Json.Nodes;

namespace Speck.Harness.Protocol;

/// <summary>
/// Assets and archives inside property bags as the engine treats them (docs/pulumi-engine.md §Assets): the old
/// state goes to Diff, Update, Read and Delete with only the hash, and two assets are equal when their hashes are.
/// </summary>
public static class Assets
{
    public const string ArchiveSig = "0def7320c3a5731c473e5ecbe6d01bc7";

    public static bool IsAsset(JsonNode? n) => Sig.SigOf(n) == Sig.Asset;

    public static bool IsArchive(JsonNode? n) => Sig.SigOf(n) == ArchiveSig;

    public static string? Hash(JsonNode? n) =>
        n is JsonObject o && o["hash"] is JsonValue v && v.TryGetValue<string>(out var h) ? h : null;

    /// <summary>
    /// The engine's <c>ComputeAssetHashes</c> on what a program registers (pkg/resource/deploy/source_eval.go:2358-2369
    /// (pulumi v3.259.0)): a file asset sent without a hash gets the SHA-256 of its bytes, its path read relative to
    /// the program directory; text assets hash their text. Other assets and archives are left as sent.
    /// </summary>
    public static void EnsureHashes(JsonNode? n, string programDirectory)
    {
        switch (n)
        {
            case JsonObject o when IsAsset(o):
                if (Hash(o) is not null) return;
                if (o["path"] is JsonValue p && p.TryGetValue<string>(out var path))
                {
                    var full = Path.GetFullPath(Path.Combine(programDirectory, path));
                    if (!File.Exists(full)) throw new Program.HarnessException($"failed to compute asset hash: file '{path}' does not exist");
                    o["hash"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(full)));
                }
                else if (o["text"] is JsonValue t && t.TryGetValue<string>(out var text))
                    o["hash"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
                return;
            case JsonObject o:
                foreach (var (_, v) in o.ToList()) EnsureHashes(v, programDirectory);
                return;
            case JsonArray a:
                foreach (var v in a) EnsureHashes(v, programDirectory);
                return;
        }
    }

    /// <summary>
    /// A copy with every asset and archive reduced to its signature and hash: MarshalAsset/MarshalArchive with
    /// ElideAssetContents (pkg/resource/plugin/rpc.go:721-726, 749-754 (pulumi v3.259.0)) serialize
    /// <c>asset.Asset{Hash: v.Hash}</c>, whose Serialize (sdk/go/common/resource/asset/asset.go:164-181) writes
    /// the hash only when present and no text, path or uri.
    /// </summary>
    public static JsonObject Elide(JsonObject bag) => (JsonObject)ElideNode(bag)!;

    private static JsonNode? ElideNode(JsonNode? n) => n switch
    {
        JsonObject o when IsAsset(o) || IsArchive(o) => Reduced(o),
        JsonObject o => new JsonObject(o.Select(kv => KeyValuePair.Create(kv.Key, ElideNode(kv.Value)))),
        JsonArray a => new JsonArray(a.Select(ElideNode).ToArray()),
        _ => n?.DeepClone(),
    };

    private static JsonObject Reduced(JsonObject o)
    {
        var r = new JsonObject { [Sig.Key] = o[Sig.Key]!.DeepClone() };
        if (Hash(o) is { Length: > 0 } h) r["hash"] = h;
        return r;
    }

    /// <summary>
    /// restoreElidedAssetContents (pkg/resource/plugin/provider_plugin.go:1004-1047, applied to what Read returns at
    /// :1663-1664 (pulumi v3.259.0)): an asset the provider hands back with only a hash gets its text/path/uri back
    /// from the asset of the same hash in the inputs the engine sent.
    /// </summary>
    public static void Restore(JsonObject? original, JsonNode? transformed)
    {
        if (original is null || transformed is null) return;
        var byHash = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        void Collect(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o when (IsAsset(o) || IsArchive(o)) && Hash(o) is { } h: byHash[h] = o; break;
                case JsonObject o: foreach (var kv in o) Collect(kv.Value); break;
                case JsonArray a: foreach (var i in a) Collect(i); break;
            }
        }
        Collect(original);
        void Fill(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o when IsAsset(o) || IsArchive(o):
                    var empty = !o.ContainsKey("text") && !o.ContainsKey("path") && !o.ContainsKey("uri") && !o.ContainsKey("assets");
                    if (empty && Hash(o) is { } h && byHash.TryGetValue(h, out var from))
                        foreach (var (k, v) in from)
                            if (k is "text" or "path" or "uri" or "assets") o[k] = v?.DeepClone();
                    break;
                case JsonObject o: foreach (var kv in o.ToList()) Fill(kv.Value); break;
                case JsonArray a: foreach (var i in a) Fill(i); break;
            }
        }
        Fill(transformed);
    }
}

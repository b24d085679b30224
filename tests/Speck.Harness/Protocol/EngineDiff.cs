using System.Text.Json.Nodes;

namespace Speck.Harness.Protocol;

/// <summary>
/// The engine's own comparison of property bags (sdk/go/common/resource/properties_diff.go (pulumi v3.259.0); see
/// docs/pulumi-engine.md §Engine diff): top-level adds, deletes and updates, null counting as absent (HasValue,
/// properties.go:412), assets and archives equal when their hashes are (asset.go:146-161), two unknowns equal.
/// <see cref="IncludeUnknowns"/> is the plan check's variant, where an unknown equals anything (:623-627).
/// </summary>
public sealed class EngineDiff
{
    public Dictionary<string, JsonNode> Adds { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, JsonNode> Deletes { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, JsonNode?> Updates { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, JsonNode> Sames { get; } = new(StringComparer.Ordinal);

    /// <summary>The detailed diff of NewDetailedDiffFromObjectDiff (pkg/resource/plugin/provider.go:755): path → ADD/DELETE/UPDATE.</summary>
    public SortedDictionary<string, string> Detailed { get; } = new(StringComparer.Ordinal);

    public bool AnyChanges => Adds.Count + Deletes.Count + Updates.Count > 0;

    public IEnumerable<string> ChangedKeys => Adds.Keys.Concat(Deletes.Keys).Concat(Updates.Keys).Order(StringComparer.Ordinal);

    /// <summary>
    /// What the engine does with a DIFF_UNKNOWN from the provider (diffResource, pkg/resource/deploy/step_generator.go:2996-3005
    /// (pulumi v3.259.0)): ignoreChanges applied to the news, secrets unwrapped, then its own diff of the inputs.
    /// </summary>
    public static (bool Changed, List<Deployment.PropertyChange> Changes) OfUnknownDiff(JsonObject oldInputs, JsonObject news, IReadOnlyList<string> ignoreChanges)
    {
        var processed = Deployment.IgnoreChanges.Apply(news, oldInputs, ignoreChanges);
        var d = Of((JsonObject)Sig.Unwrap(oldInputs)!, (JsonObject)Sig.Unwrap(processed)!);
        return (d.AnyChanges, d.Detailed.Select(kv => new Deployment.PropertyChange(kv.Key, kv.Value)).ToList());
    }

    /// <summary>PropertyMap.Diff (properties_diff.go:188-246).</summary>
    public static EngineDiff Of(JsonObject olds, JsonObject news, bool includeUnknowns = false)
    {
        var d = new EngineDiff();
        d.Objects("", olds, news, includeUnknowns, top: true);
        return d;
    }

    private void Objects(string prefix, JsonObject olds, JsonObject news, bool unknowns, bool top)
    {
        foreach (var (k, old) in olds)
        {
            var path = Join(prefix, k);
            if (news.TryGetPropertyValue(k, out var @new))
            {
                if (Same(old, @new, unknowns)) { if (top && old is not null) Sames[k] = old; continue; }
                if (old is null) { if (top) Adds[k] = @new!; Detailed[path] = "ADD"; }
                else if (@new is null) { if (top) Deletes[k] = old; Detailed[path] = "DELETE"; }
                else { if (top) Updates[k] = @new; Values(path, old, @new, unknowns); }
            }
            else if (old is not null) { if (top) Deletes[k] = old; Detailed[path] = "DELETE"; }
        }
        foreach (var (k, @new) in news)
            if (!olds.ContainsKey(k) && @new is not null) { if (top) Adds[k] = @new; Detailed[Join(prefix, k)] = "ADD"; }
    }

    /// <summary>PropertyValue.diff (:274-330) as valueDiffToDetailedDiff reads it: into arrays and objects, else one UPDATE.</summary>
    private void Values(string path, JsonNode old, JsonNode @new, bool unknowns)
    {
        if (old is JsonArray oa && @new is JsonArray na)
        {
            for (var i = 0; i < Math.Max(oa.Count, na.Count); i++)
            {
                var p = $"{path}[{i}]";
                if (i >= oa.Count) Detailed[p] = "ADD";
                else if (i >= na.Count) Detailed[p] = "DELETE";
                else if (!Same(oa[i], na[i], unknowns)) Values(p, oa[i]!, na[i]!, unknowns);
            }
        }
        else if (Plain(old) is JsonObject oo && Plain(@new) is JsonObject no) Objects(path, oo, no, unknowns, top: false);
        else Detailed[path] = "UPDATE";
    }

    private static JsonNode? Plain(JsonNode? n) => n is JsonObject o && (Assets.IsAsset(o) || Assets.IsArchive(o) || Sig.IsSecret(o)) ? null : n;

    private static string Join(string prefix, string key) =>
        prefix.Length == 0 ? key : key.All(c => char.IsLetterOrDigit(c) || c == '_') ? $"{prefix}.{key}" : $"{prefix}[\"{key}\"]";

    /// <summary>DeepEquals (:358-470), or DeepEqualsIncludeUnknowns (:623-690) when <paramref name="unknowns"/>.</summary>
    public static bool Same(JsonNode? a, JsonNode? b, bool unknowns = false)
    {
        if (unknowns && (Sig.IsUnknown(a) || Sig.IsUnknown(b))) return true;
        if (Sig.IsSecret(a) && Sig.IsSecret(b)) return Same(Sig.SecretValue(a!), Sig.SecretValue(b!), unknowns);
        if ((Assets.IsAsset(a) && Assets.IsAsset(b)) || (Assets.IsArchive(a) && Assets.IsArchive(b)))
            return Assets.Hash(a) is { } h && h == Assets.Hash(b);
        return (a, b) switch
        {
            (JsonArray x, JsonArray y) => x.Count == y.Count && x.Zip(y).All(p => Same(p.First, p.Second, unknowns)),
            (JsonObject x, JsonObject y) when Sig.SigOf(x) is null && Sig.SigOf(y) is null =>
                x.Where(kv => kv.Value is not null).All(kv => Same(kv.Value, y[kv.Key], unknowns)) &&
                y.Where(kv => kv.Value is not null).All(kv => x[kv.Key] is not null),
            _ => JsonNode.DeepEquals(a, b),
        };
    }
}

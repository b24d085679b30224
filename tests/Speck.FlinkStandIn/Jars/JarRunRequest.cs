using System.Text;
using Speck.FlinkStandIn.Http;

namespace Speck.FlinkStandIn.Jars;

/// <summary>
/// What a <c>/jars/{jarid}/run</c> asks for, resolved as Flink's JarRunHandler does: the body wins over the query
/// parameters, which win over the request's <c>flinkConfiguration</c>, which wins over the cluster defaults
/// (docs/flink-rest.md §Jars). 1.20 key names first, the deprecated ≤1.19 names after them.
/// </summary>
internal sealed record JarRunRequest(
    string? EntryClass, IReadOnlyList<string> Args, int Parallelism, string? JobId, string? SavepointPath,
    bool AllowNonRestoredState, string ClaimMode, IReadOnlyDictionary<string, string> FlinkConfiguration)
{
    public static JarRunRequest Resolve(StrictBody body, FlinkRequest r, FlinkStandInOptions options)
    {
        if (body.Has("programArgs") && body.Has("programArgsList"))
            throw FlinkRestException.Handler(400, "Confusing request: programArgs and programArgsList are specified, please, use only programArgsList");
        var conf = body.StringMap("flinkConfiguration") ?? new Dictionary<string, string>();

        var args = body.StringList("programArgsList")
                   ?? (body.String("programArgs") is { } a ? Tokenize(a) : null)
                   ?? (r.Query("programArg") is { } qa ? qa.Split(',').ToList() : null)
                   ?? (!options.VersionAtLeast(2, 0) && r.Query("program-args") is { } qp ? Tokenize(qp) : null)
                   ?? [];
        var parallelism = body.Int("parallelism") ?? QueryInt(r, "parallelism") ?? ConfInt(conf, "parallelism.default") ?? -1;
        if (parallelism == -1) parallelism = options.DefaultParallelism;
        var savepointPath = body.String("savepointPath") ?? r.Query("savepointPath")
                            ?? Conf(conf, "execution.state-recovery.path", "execution.savepoint.path");
        var allowNonRestored = body.Bool("allowNonRestoredState")
                               ?? (r.Query("allowNonRestoredState") is { } q ? bool.TryParse(q, out var b) && b : (bool?)null)
                               ?? ConfBool(conf, "execution.state-recovery.ignore-unclaimed-state", "execution.savepoint.ignore-unclaimed-state")
                               ?? false;
        var claimMode = body.String("claimMode") ?? body.String("restoreMode")
                        ?? Conf(conf, "execution.state-recovery.claim-mode", "execution.savepoint-restore-mode") ?? "NO_CLAIM";
        if (claimMode is not ("CLAIM" or "NO_CLAIM" or "LEGACY")) throw BadConfig("execution.state-recovery.claim-mode", claimMode);

        string? jobId = null;
        if (body.String("jobId") is { } id) FlinkIds.TryParse(id, out jobId);
        else if (conf.TryGetValue("$internal.pipeline.job-id", out var internalId) && !FlinkIds.TryParse(internalId, out jobId))
            throw BadConfig("$internal.pipeline.job-id", internalId);

        return new JarRunRequest(body.String("entryClass") ?? r.Query("entry-class"), args, parallelism, jobId, savepointPath,
            allowNonRestored, claimMode, conf);
    }

    private static string? Conf(IReadOnlyDictionary<string, string> conf, string key, string deprecatedKey) =>
        conf.TryGetValue(key, out var v) ? v : conf.GetValueOrDefault(deprecatedKey);

    private static int? ConfInt(IReadOnlyDictionary<string, string> conf, string key) =>
        !conf.TryGetValue(key, out var v) ? null : int.TryParse(v, out var n) ? n : throw BadConfig(key, v);

    private static bool? ConfBool(IReadOnlyDictionary<string, string> conf, string key, string deprecatedKey)
    {
        var name = conf.ContainsKey(key) ? key : deprecatedKey;
        return Conf(conf, key, deprecatedKey) is not { } v ? null : bool.TryParse(v, out var b) ? b : throw BadConfig(name, v);
    }

    /// <summary>Configuration parsing fails inside the handler's async part, so Flink answers 500 [U].</summary>
    internal static FlinkRestException BadConfig(string key, string value) =>
        FlinkRestException.Internal(new JavaError("java.util.concurrent.CompletionException",
            $"java.lang.IllegalArgumentException: Could not parse value '{value}' for key '{key}'.",
            new JavaError("java.lang.IllegalArgumentException", $"Could not parse value '{value}' for key '{key}'.")));

    private static int? QueryInt(FlinkRequest r, string name)
    {
        var v = r.Query(name);
        if (v is null) return null;
        return int.TryParse(v, out var n) ? n : throw FlinkRestException.BadQueryParameter(name, v);
    }

    /// <summary>Splits <c>programArgs</c> like a shell: whitespace separates, single and double quotes group.</summary>
    internal static List<string> Tokenize(string text)
    {
        var result = new List<string>();
        var current = new StringBuilder();
        char? quote = null;
        var inToken = false;
        foreach (var c in text)
        {
            if (quote is not null)
            {
                if (c == quote) quote = null; else current.Append(c);
            }
            else if (c is '"' or '\'') { quote = c; inToken = true; }
            else if (char.IsWhiteSpace(c))
            {
                if (inToken) result.Add(current.ToString());
                current.Clear();
                inToken = false;
            }
            else { current.Append(c); inToken = true; }
        }
        if (inToken) result.Add(current.ToString());
        return result;
    }
}

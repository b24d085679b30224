using Speck.Host.Resources;
using Speck.Host.Values;
using Speck.Provider.Model;
using Speck.Provider.Spe;

namespace Speck.Provider.Resources;

/// <summary>
/// What a change to a StreamJob means. Only another engine kind replaces the job; everything else, a move to
/// another site included, is an update that carries the job's state. Beyond the inputs, the diff compares what is
/// really deployed (recorded in the state: after a rolled-back update it is the previous version) and whether the
/// job runs as desired, so neither a rollback nor a job cancelled behind Pulumi's back looks like "no change".
/// </summary>
public static class StreamJobDiff
{
    /// <summary>Inputs whose change restarts the job.</summary>
    public static readonly string[] DeploymentInputs =
        ["site", "artifact", "jarPath", "entryClass", "arguments", "argumentTemplate", "parallelism", "sources", "sink", "nodeRed",
         "flinkConfiguration", "restartNonce"];

    /// <summary>Inputs an import cannot learn from Flink.</summary>
    public static readonly string[] UnlearnableInputs =
        ["artifact", "jarPath", "entryClass", "arguments", "argumentTemplate", "parallelism", "sources", "sink",
         "upgradeMode", "savepointDirectory", "allowNonRestoredState", "savepointOnDelete", "readinessSeconds", "nodeRed",
         "flinkConfiguration", "initialSavepointPath", "savepointTriggerNonce", "restartNonce", "savepointRetention"];

    /// <param name="defaultMode">The upgrade mode a job on a site gets when it gives none (its engine's).</param>
    public static void Customize(DiffContext<StreamJobArgs, StreamJobState> diff, Func<SiteConnection, UpgradeMode> defaultMode)
    {
        if (diff.Detailed.TryGetValue("site.spe.kind", out var kind)) diff.Detailed["site.spe.kind"] = kind.AsReplace();
        if (diff.OldState is not { } old) return;
        // Spelling out the engine's default mode, or leaving it out again, is no change (the schema has no default).
        if (diff.NewArgs is { } n && diff.Detailed.ContainsKey("upgradeMode") && !diff.IsUnknown("upgradeMode")
            && (old.UpgradeMode ?? defaultMode(old.Site)) == (n.UpgradeMode ?? defaultMode(n.Site)))
            diff.Detailed.Remove("upgradeMode");
        // Right after an import the old inputs are Read's, which lack what the engine does not report: the update that
        // follows records the program's without touching the job (see StreamJob). It is asked for even when the
        // program says just what Read did: said "no change", the engine would keep Read's inputs and outputs for good
        // (step_generator.go:1903-1904 (pulumi v3.259.0), see docs/pulumi-engine.md §Import), and a later change could
        // not be told from the import.
        var adopted = old.AdoptedInputs ?? [];
        if (adopted.Count > 0) diff.Detailed["adoptedInputs"] = DiffKind.Update;
        if (diff.NewArgs is not { } news) return;
        // The engine sends old assets (and Diff's new ones) as their hash alone (pkg/resource/plugin/provider_plugin.go:1320-1346
        // (pulumi v3.259.0), see docs/pulumi-engine.md §Assets), and a moved file keeps its hash: a jar is its content.
        if (SameAssetContent(old.Artifact, news.Artifact))
            foreach (var path in diff.Detailed.Keys.Where(p => DiffOutcome.TopLevel(p) == "artifact").ToList())
                diff.Detailed.Remove(path);
        foreach (var input in DeploymentInputs)
            if (!adopted.Contains(input) && !diff.IsUnknown(input) && !diff.Detailed.Keys.Any(k => DiffOutcome.TopLevel(k) == input)
                && !SameDeployment(input, old, news))
                diff.Detailed[input] = DiffKind.Update;
        if (old.LoginsInSync == false) diff.Detailed["brokerLogins"] = DiffKind.Update;
        // A job to start or to stop is a change even when no input changed (cancelled behind Pulumi's back).
        var change = new StreamJobChange(adopted.Count > 0, old.State == JobStates.Running, StreamJobChange.WantsRunning(news), SameSite: true, Redeploys: false);
        if (change.Effect is JobEffect.Start or JobEffect.Suspend && !diff.IsUnknown("desiredState"))
            diff.Detailed["state"] = DiffKind.Update;
    }

    /// <summary>Whether an input the job was deployed with (in <paramref name="old"/>) is what <paramref name="news"/> asks for.</summary>
    public static bool SameDeployment(string input, StreamJobArgs old, StreamJobArgs news) => input switch
    {
        "site" => old.Site.SiteName == news.Site.SiteName && old.Site.Spe.Url == news.Site.Spe.Url && old.Site.Spe.Kind == news.Site.Spe.Kind,
        "artifact" => SameAsset(old, news),
        "jarPath" => old.JarPath == news.JarPath,
        "entryClass" => old.EntryClass == news.EntryClass,
        "arguments" => Same(old.Arguments, news.Arguments),
        "argumentTemplate" => Same(old.ArgumentTemplate, news.ArgumentTemplate),
        "parallelism" => old.Parallelism == news.Parallelism,
        "sources" => (old.Sources ?? []).SequenceEqual(news.Sources ?? []),
        "sink" => Equals(old.Sink, news.Sink),
        "nodeRed" => NodeRedProcessing.Same(old.NodeRed, news.NodeRed),
        "flinkConfiguration" => (old.FlinkConfiguration ?? []).OrderBy(e => e.Key, StringComparer.Ordinal)
            .SequenceEqual((news.FlinkConfiguration ?? []).OrderBy(e => e.Key, StringComparer.Ordinal)),
        // As the operator's restartNonce: a new value restarts, a removed one (null) does not.
        "restartNonce" => news.RestartNonce is null || news.RestartNonce == old.RestartNonce,
        _ => true,
    };

    private static bool SameAsset(StreamJobArgs old, StreamJobArgs news) =>
        SameAssetContent(old.Artifact, news.Artifact) || Equals(old.Artifact, news.Artifact);

    /// <summary>Both assets name the same content by their hash (the sha256 of the bytes, as the engine computes it).</summary>
    private static bool SameAssetContent(AssetValue? a, AssetValue? b) =>
        a is { Hash: { Length: > 0 } x } && b is { Hash: { Length: > 0 } y } && string.Equals(x, y, StringComparison.OrdinalIgnoreCase);

    private static bool Same(List<string>? a, List<string>? b) => (a ?? []).SequenceEqual(b ?? []);
}

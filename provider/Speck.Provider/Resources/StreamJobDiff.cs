using Speck.Host.Resources;
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
        ["site", "artifact", "jarPath", "entryClass", "arguments", "argumentTemplate", "parallelism", "sources", "sink", "nodeRed"];

    /// <summary>Inputs an import cannot learn from Flink.</summary>
    public static readonly string[] UnlearnableInputs =
        ["artifact", "jarPath", "entryClass", "arguments", "argumentTemplate", "parallelism", "sources", "sink",
         "upgradeMode", "savepointDirectory", "allowNonRestoredState", "savepointOnDelete", "readinessSeconds", "nodeRed"];

    public static void Customize(DiffContext<StreamJobArgs, StreamJobState> diff)
    {
        if (diff.Detailed.TryGetValue("site.spe.kind", out var kind)) diff.Detailed["site.spe.kind"] = kind.AsReplace();
        if (diff.OldState is not { } old) return;
        // Right after an import the old inputs are Read's, which lack what Flink does not report (a required `sink`
        // among them): those inputs are adopted from the program. Later diffs compare the program's inputs as usual.
        var importing = diff.OldInputs.Get("sink") is null;
        var adopted = old.AdoptedInputs ?? [];
        if (importing)
            foreach (var path in diff.Detailed.Keys.Where(p => adopted.Contains(DiffOutcome.TopLevel(p)) && !diff.IsUnknown(DiffOutcome.TopLevel(p))).ToList())
                diff.Detailed.Remove(path);
        if (diff.NewArgs is not { } news) return;
        foreach (var input in DeploymentInputs)
            if (!adopted.Contains(input) && !diff.IsUnknown(input) && !diff.Detailed.Keys.Any(k => DiffOutcome.TopLevel(k) == input)
                && !SameDeployment(input, old, news))
                diff.Detailed[input] = DiffKind.Update;
        if (old.LoginsInSync == false) diff.Detailed["brokerLogins"] = DiffKind.Update;
        var wantRunning = (news.DesiredState ?? DesiredState.Running) == DesiredState.Running;
        if (wantRunning != (old.State == JobStates.Running) && !diff.IsUnknown("desiredState"))
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
        "nodeRed" => StreamJobNodeRed.Same(old.NodeRed, news.NodeRed),
        _ => true,
    };

    private static bool SameAsset(StreamJobArgs old, StreamJobArgs news) =>
        old.Artifact is { Hash: { } a } && news.Artifact is { Hash: { } b } ? a == b : Equals(old.Artifact, news.Artifact);

    private static bool Same(List<string>? a, List<string>? b) => (a ?? []).SequenceEqual(b ?? []);
}

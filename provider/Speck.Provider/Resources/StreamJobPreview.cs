using Speck.Host.Resources;
using Speck.Provider.Model;
using Speck.Provider.Spe;

namespace Speck.Provider.Resources;

/// <summary>
/// A StreamJob's outputs in a preview Update. The engine hands them to the program, so they say what <c>up</c> will
/// leave: a job that restarts gets a new job ID, generation, start time and (in <c>savepoint</c> mode) savepoint,
/// which only the update tells; a job left running keeps them. The rule is <see cref="StreamJobChange"/>, as in Update.
/// </summary>
internal static class StreamJobPreview
{
    private static readonly string[] RunOutputs = ["jobId", "state", "startTime", "generation", "problem"];
    private static readonly string[] SavepointOutputs = ["lastSavepoint", "savepointHistory"];

    public static PreviewOutputs<StreamJobState> Of(StreamJobState olds, StreamJobArgs news, Func<string, bool> isUnknown)
    {
        var unknown = new HashSet<string>();
        var rotates = isUnknown("passwordRotation") || olds.PasswordRotation != news.PasswordRotation;
        var newRights = isUnknown("sources") || isUnknown("sink") || !SameBrokers(olds, news);
        var hasLogins = olds.BrokerLogins is { Count: > 0 };
        if (hasLogins && (rotates || newRights)) unknown.Add("brokerLogins");
        if (isUnknown("artifact") || isUnknown("jarPath") || isUnknown("nodeRed") || !StreamJobDiff.SameDeployment("artifact", olds, news)
            || !StreamJobDiff.SameDeployment("jarPath", olds, news) || !StreamJobDiff.SameDeployment("nodeRed", olds, news))
            unknown.Add("artifactSha256");

        var wasRunning = olds.State == JobStates.Running;
        var stateful = (news.UpgradeMode ?? UpgradeMode.Savepoint) == UpgradeMode.Savepoint;
        var state = olds with { SiteName = news.Site?.SiteName ?? olds.SiteName, AdoptedInputs = null, LoginsInSync = hasLogins ? true : null };
        if (isUnknown("site")) unknown.Add("siteName");
        if (isUnknown("desiredState"))
        {
            unknown.UnionWith(RunOutputs);
            unknown.UnionWith(SavepointOutputs);
            return new(state, unknown);
        }
        // Per-job logins travel in the job's arguments: new passwords or rights restart it as new code does. A job
        // whose code is not known (adopted at import) is redeployed by any update that deploys it.
        var justImported = olds.AdoptedInputs is { Count: > 0 };
        var change = new StreamJobChange(justImported, wasRunning, StreamJobChange.WantsRunning(news),
            SameSite: !isUnknown("site") && StreamJobDiff.SameDeployment("site", olds, news),
            Redeploys: StreamJobChange.RedeploysFor(olds, news, isUnknown,
                codeDiffers: olds.ArtifactSha256 is null || unknown.Contains("artifactSha256"), loginsDiffer: unknown.Contains("brokerLogins")));
        if (justImported && change.SameSite)
        {
            // Its first update records the program's inputs; the code it runs stays unknown.
            unknown.Remove("artifactSha256");
            state = state with { ArtifactSha256 = null };
        }
        if (!change.WantRunning)
        {
            state = state with { State = JobStates.Suspended, Problem = null };
            if (change.Effect == JobEffect.Suspend && stateful) unknown.UnionWith(SavepointOutputs);
        }
        else if (change.Effect is JobEffect.Start or JobEffect.Restart)
        {
            unknown.UnionWith(RunOutputs);
            if (wasRunning && stateful) unknown.UnionWith(SavepointOutputs);
        }
        return new(state, unknown);
    }

    private static bool SameBrokers(StreamJobArgs olds, StreamJobArgs news) =>
        StreamJob.Topics(olds).Select(t => t.Broker.Url).Order().SequenceEqual(StreamJob.Topics(news).Select(t => t.Broker.Url).Order());
}

using Speck.Host.Resources;
using Speck.Provider.Model;
using Speck.Provider.Spe;

namespace Speck.Provider.Resources;

/// <summary>
/// A StreamJob's preview Update: what will happen to the running job (<see cref="StreamJobPlan"/>) and its outputs.
/// The engine hands the outputs to the program, so they say what <c>up</c> will leave: a job that restarts gets a new
/// job ID, generation, start time and (when it keeps state) savepoint, which only the update tells; a job left
/// running, or rescaled in place, keeps them. The rules are <see cref="StreamJobChange"/> and the plan, as in Update.
/// </summary>
internal static class StreamJobPreview
{
    private static readonly string[] RunOutputs = ["jobId", "state", "startTime", "generation", "problem"];
    private static readonly string[] SavepointOutputs = ["lastSavepoint", "savepointHistory", "savepointTimes"];

    public static async Task<(StreamJobPlan Plan, PreviewOutputs<StreamJobState> Outputs)> PlanAsync(StreamJobSites sites, StreamJobState olds,
        StreamJobArgs news, Func<string, bool> isUnknown, CancellationToken ct)
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
        var state = olds with { SiteName = news.Site?.SiteName ?? olds.SiteName, AdoptedInputs = null, LoginsInSync = hasLogins ? true : null };
        if (isUnknown("site")) unknown.Add("siteName");
        // Per-job logins travel in the job's arguments: new passwords or rights restart it as new code does. A job
        // whose code is not known (adopted at import) is redeployed by any update that deploys it.
        var justImported = olds.AdoptedInputs is { Count: > 0 };
        var codeDiffers = olds.ArtifactSha256 is null || unknown.Contains("artifactSha256");
        var loginsDiffer = unknown.Contains("brokerLogins");
        var change = new StreamJobChange(justImported, wasRunning, StreamJobChange.WantsRunning(news),
            SameSite: !isUnknown("site") && StreamJobDiff.SameDeployment("site", olds, news),
            Redeploys: StreamJobChange.RedeploysFor(olds, news, isUnknown, codeDiffers, loginsDiffer));
        var inPlace = change.Effect == JobEffect.Restart && !justImported && news.Site?.Spe is { } spe
            && StreamJobChange.RescalesOnly(olds, news, isUnknown, codeDiffers, loginsDiffer) && await sites.Binder(news).RescalesInPlaceAsync(spe, ct);
        var plan = StreamJobPlan.Of(change, news, StreamJobChange.SavepointRequested(olds, news, isUnknown), inPlace);
        if (isUnknown("desiredState"))
        {
            unknown.UnionWith(RunOutputs);
            unknown.UnionWith(SavepointOutputs);
            return (plan, new(state, unknown));
        }
        if (justImported && change.SameSite)
        {
            // Its first update records the program's inputs; the code it runs stays unknown.
            unknown.Remove("artifactSha256");
            state = state with { ArtifactSha256 = null };
        }
        var keepsState = (news.UpgradeMode ?? UpgradeMode.Savepoint) != UpgradeMode.Stateless;
        if (!change.WantRunning) state = state with { State = JobStates.Suspended, Problem = null };
        if (plan.Action is JobAction.Start or JobAction.Restart) unknown.UnionWith(RunOutputs);
        if (plan.TakesSavepoint || (wasRunning && keepsState && plan.Action is JobAction.Restart or JobAction.Suspend)
            || (news.SavepointRetention is not null && olds.SavepointHistory is { Count: > 0 }))
            unknown.UnionWith(SavepointOutputs);
        return (plan, new(state, unknown));
    }

    private static bool SameBrokers(StreamJobArgs olds, StreamJobArgs news) =>
        StreamJob.Topics(olds).Select(t => t.Broker.Url).Order().SequenceEqual(StreamJob.Topics(news).Select(t => t.Broker.Url).Order());
}

using Speck.Provider.Model;

namespace Speck.Provider.Resources;

/// <summary>What an update does to a StreamJob's job.</summary>
internal enum JobEffect
{
    /// <summary>The job runs on untouched (or stays suspended).</summary>
    Keep,
    /// <summary>The job just imported runs on untouched; the update records the program's inputs.</summary>
    Adopt,
    /// <summary>The job is stopped (with a savepoint in <c>savepoint</c> mode) and not started again.</summary>
    Suspend,
    /// <summary>The job does not run and is started (from its last savepoint in <c>savepoint</c> mode).</summary>
    Start,
    /// <summary>The job is stopped and started anew with what changed, on its site or another (through a savepoint).</summary>
    Restart,
}

/// <summary>
/// The one rule for what a change does to a running job, used by Diff, by the preview's outputs and by Update.
/// Each gives what it knows: Update the job as the engine reports it and the code's hash; a preview the recorded
/// state, with an unknown input counting as a change (the job may restart, so what it would tell is unknown).
/// </summary>
internal sealed record StreamJobChange(bool JustImported, bool WasRunning, bool WantRunning, bool SameSite, bool Redeploys)
{
    public JobEffect Effect =>
        !WantRunning ? (WasRunning ? JobEffect.Suspend : JobEffect.Keep)
        : !WasRunning ? JobEffect.Start
        // A job just imported runs code Flink does not describe: left running where it is, or deployed anew when it moves.
        : JustImported ? (SameSite ? JobEffect.Adopt : JobEffect.Restart)
        : Redeploys ? JobEffect.Restart
        : JobEffect.Keep;

    /// <summary>
    /// Whether the job must be deployed anew: its code differs (<paramref name="codeDiffers"/>: Update compares the
    /// jar's hash, a preview the inputs that make it), the logins in its arguments or flow differ, or anything else
    /// it is started with (an unknown input counts as different).
    /// </summary>
    public static bool RedeploysFor(StreamJobArgs olds, StreamJobArgs news, Func<string, bool> isUnknown, bool codeDiffers, bool loginsDiffer) =>
        codeDiffers || loginsDiffer
        || StreamJobDiff.DeploymentInputs.Any(i => i is not ("artifact" or "jarPath") && (isUnknown(i) || !StreamJobDiff.SameDeployment(i, olds, news)));

    /// <summary>
    /// Whether parallelism is all that makes the job restart (a known new value): an engine that can may change it in
    /// place instead.
    /// </summary>
    public static bool RescalesOnly(StreamJobArgs olds, StreamJobArgs news, Func<string, bool> isUnknown, bool codeDiffers, bool loginsDiffer) =>
        !codeDiffers && !loginsDiffer && news.Parallelism is not null && !isUnknown("parallelism") && olds.Parallelism != news.Parallelism
        && StreamJobDiff.DeploymentInputs.All(i => i is "artifact" or "jarPath" or "parallelism" || (!isUnknown(i) && StreamJobDiff.SameDeployment(i, olds, news)));

    /// <summary>A new <c>savepointTriggerNonce</c> asks for a savepoint (a removed one does not).</summary>
    public static bool SavepointRequested(StreamJobArgs olds, StreamJobArgs news, Func<string, bool> isUnknown) =>
        isUnknown("savepointTriggerNonce") || (news.SavepointTriggerNonce is not null && news.SavepointTriggerNonce != olds.SavepointTriggerNonce);

    public static bool WantsRunning(StreamJobArgs news) => (news.DesiredState ?? DesiredState.Running) == DesiredState.Running;
}

using Speck.Provider.Model;
using Speck.Provider.Spe;

namespace Speck.Provider.Resources;

/// <summary>What an update does to the job, as a preview says it and Update does it.</summary>
internal enum JobAction
{
    Keep,
    Adopt,
    /// <summary>A savepoint of the running job, which keeps running (<c>savepointTriggerNonce</c>).</summary>
    SavepointOnly,
    /// <summary>The running job's parallelism changes without a restart (the engine's adaptive scheduler).</summary>
    RescaleInPlace,
    Restart,
    Suspend,
    Start,
}

/// <summary>
/// The one classification of an update, from <see cref="StreamJobChange"/> and what the engine can do: Update acts on
/// it and a preview says it (<see cref="Describe"/>), so the two cannot disagree. How a restart or suspension keeps
/// the state follows <c>upgradeMode</c>.
/// </summary>
internal sealed record StreamJobPlan(JobAction Action, UpgradeMode Mode, bool TakesSavepoint, bool Moves)
{
    public static StreamJobPlan Of(StreamJobChange change, StreamJobArgs news, bool savepointRequested, bool rescalesInPlace)
    {
        var mode = news.UpgradeMode ?? UpgradeMode.Savepoint;
        var action = change.Effect switch
        {
            JobEffect.Keep => savepointRequested && change.WasRunning && change.WantRunning ? JobAction.SavepointOnly : JobAction.Keep,
            JobEffect.Adopt => JobAction.Adopt,
            JobEffect.Suspend => JobAction.Suspend,
            JobEffect.Start => JobAction.Start,
            _ => rescalesInPlace && change.SameSite ? JobAction.RescaleInPlace : JobAction.Restart,
        };
        // A stop with a savepoint is the savepoint asked for; otherwise one is taken while the job still runs.
        var stopsWithSavepoint = action is JobAction.Restart or JobAction.Suspend && mode == UpgradeMode.Savepoint;
        var takes = savepointRequested && change.WasRunning && action is not (JobAction.Keep or JobAction.Start or JobAction.Adopt) && !stopsWithSavepoint;
        return new StreamJobPlan(action, mode, takes || action == JobAction.SavepointOnly, !change.SameSite);
    }

    /// <summary>Restarts and suspensions that go through a retained checkpoint (a preview checks the job has one).</summary>
    public bool ThroughCheckpoint => Action is JobAction.Restart or JobAction.Suspend && Mode == UpgradeMode.LastState;

    /// <summary>What happens to the running job, for the preview (and the same words in Update's log).</summary>
    public string Describe(StreamJobState olds, StreamJobArgs news)
    {
        var job = olds.JobId is { } id ? $"job {id} on site '{olds.Site?.SiteName}'" : "the job";
        var savepointFirst = TakesSavepoint && Action != JobAction.SavepointOnly ? "a savepoint is taken while it runs, then " : "";
        // A preview may not know the new site yet.
        var where = !Moves ? "" : news.Site?.SiteName is { } site ? $" on site '{site}'" : " on the new site";
        return Action switch
        {
            JobAction.Keep => $"{job}: nothing happens to it (it {(olds.State == JobStates.Running ? "keeps running" : "stays as it is")})",
            JobAction.Adopt => $"{job}: left running as imported; the program's inputs are recorded",
            JobAction.SavepointOnly => $"{job}: savepoint only: a savepoint is taken and the job keeps running",
            JobAction.RescaleInPlace => $"{job}: {savepointFirst}in-place rescale: parallelism {olds.Parallelism?.ToString() ?? "default"} → {news.Parallelism} without a restart (adaptive scheduler)",
            JobAction.Suspend => $"{job}: {savepointFirst}{Stop()}; not started again (suspended)",
            JobAction.Start => $"{job}: started{where}{(Mode == UpgradeMode.Stateless ? " with empty state" : olds.LastSavepoint is { } sp ? $" from {sp}" : "")}",
            _ => $"{job}: {savepointFirst}{Restart()}{where}",
        };
    }

    private string Stop() => Mode switch
    {
        UpgradeMode.Savepoint => "stopped with a savepoint",
        UpgradeMode.LastState => "cancelled, its latest retained checkpoint kept to resume from",
        _ => "cancelled",
    };

    private string Restart() => Mode switch
    {
        UpgradeMode.Savepoint => "restart through a savepoint: stopped with a savepoint, the new version started from it",
        UpgradeMode.LastState => "last-state restart: cancelled, the new version started from its latest retained checkpoint",
        _ => "stateless restart: cancelled, the new version started with empty state",
    };
}

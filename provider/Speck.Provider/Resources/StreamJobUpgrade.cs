using Speck.Host.Resources;
using Speck.Provider.Model;
using Speck.Provider.Spe;

namespace Speck.Provider.Resources;

/// <summary>
/// One StreamJob update: suspend, resume, restart a new version, move to another site, rescale in place, or take a
/// savepoint on demand, as <see cref="StreamJobPlan"/> classifies it (the preview says the same). In <c>savepoint</c>
/// mode the old job is stopped with a savepoint and the new version starts from it; in <c>last-state</c> mode it is
/// cancelled and the new version starts from its latest retained checkpoint (refused before anything stops when it
/// has none); if the new version does not run (or its site refuses it), the previous version is started again from
/// the same savepoint or checkpoint on its own site. Once the old
/// job has stopped, every failure (the engine's cancellation included) is reported with a state
/// (ErrorResourceInitFailed) that names the job actually deployed and the savepoint, so nothing is lost.
/// The old inputs and outputs come from the engine with assets elided to their hash, so the previous version's jar
/// is found on its site by hash (<see cref="StreamJobSites.DeployedArtifactAsync"/>).
/// </summary>
internal sealed class StreamJobUpgrade(StreamJobSites sites, StreamJobState olds, StreamJobArgs news, ResourceContext ctx)
{
    private readonly UpgradeMode _mode = news.UpgradeMode ?? UpgradeMode.Savepoint;
    private readonly StreamJobHistory _history = new(olds, news);
    private List<BrokerLogin> _logins = [];
    private bool _inPlace;
    /// <summary>What is deployed now, once the old job was stopped: a failure from then on is reported with it.</summary>
    private StreamJobState? _actual;
    /// <summary>Why the new version is not what runs, for the report.</summary>
    private readonly List<string> _reasons = [];
    /// <summary>A deployment under way: interrupted, its job may exist without the state naming it.</summary>
    private (StreamJobArgs On, int Generation)? _deploying;
    /// <summary>How long cleaning up an interrupted deployment may take once the operation was cancelled.</summary>
    private static readonly TimeSpan CleanupTime = TimeSpan.FromSeconds(15);

    public async Task<StreamJobState> RunAsync() => _history.Apply(await ApplyAsync());

    /// <summary>
    /// The first update after an import: the engine recorded Read's inputs, which lack what the engine does not
    /// report, and this update brings the program's (see <see cref="StreamJob"/>). Its Diff always asks for it.
    /// </summary>
    private bool JustImported => olds.AdoptedInputs is { Count: > 0 };

    private async Task<StreamJobState> ApplyAsync()
    {
        using var deadline = StreamJob.Deadline(ctx);
        var ct = deadline.Token;
        var oldBinder = sites.Binder(olds);
        var current = olds.JobId is { } id ? await oldBinder.FindAsync(olds.Site.Spe, id, ct) : null;
        var live = current?.Live == true;
        var wantRunning = StreamJobChange.WantsRunning(news);
        var wasRunning = current?.State == JobStates.Running;
        var sameSite = StreamJobDiff.SameDeployment("site", olds, news);
        if (new StreamJobChange(JustImported, wasRunning, wantRunning, sameSite, Redeploys: true).Effect == JobEffect.Adopt)
            return Adopt(current!);

        // The new code first, so that code its engine cannot run changes nothing on the brokers.
        _logins = sites.Logins.Choose(ctx, news, olds.BrokerLogins, rotate: olds.PasswordRotation != news.PasswordRotation);
        var artifact = await sites.ArtifactAsync(news, ctx, _logins, ct);
        await sites.Logins.GrantAsync(ctx, news, _logins, ct);
        // A jar is compared by content, not by where it is; the logins travel in the job's arguments.
        var codeDiffers = olds.ArtifactSha256 != artifact.Sha256;
        var loginsDiffer = !StreamJobArguments.Build(olds, olds.BrokerLogins).SequenceEqual(StreamJobArguments.Build(news, _logins));
        var change = new StreamJobChange(JustImported, wasRunning, wantRunning, sameSite, StreamJobChange.RedeploysFor(olds, news, _ => false, codeDiffers, loginsDiffer));
        var rescaleOnly = change.Effect == JobEffect.Restart && wasRunning && !JustImported
                          && StreamJobChange.RescalesOnly(olds, news, _ => false, codeDiffers, loginsDiffer) && await oldBinder.RescalesInPlaceAsync(olds.Site.Spe, ct);
        var plan = StreamJobPlan.Of(change, news, StreamJobChange.SavepointRequested(olds, news, _ => false), rescaleOnly);
        if (plan.Action != JobAction.Keep) await ctx.InfoAsync(plan.Describe(olds, news));
        // A job that is live but not RUNNING while the program wants it stopped is stopped below, so Keep counts only here.
        if (wantRunning && plan.Action is JobAction.Keep or JobAction.SavepointOnly or JobAction.RescaleInPlace)
        {
            var takenNow = plan.TakesSavepoint ? await SavepointOnDemandAsync(ct) : null;
            if (plan.Action == JobAction.RescaleInPlace && await oldBinder.RescaleInPlaceAsync(olds.Site.Spe, olds.JobId!, news.Parallelism!.Value, ct) is { } why)
                await ctx.InfoAsync($"{why}; restarting the job instead"); // the operator's fallback: a full upgrade
            else
            {
                await RevokeUnusedAsync(olds.BrokerLogins, _logins, olds, ct);
                var kept = Keep(artifact, current!) with { LastSavepoint = takenNow ?? olds.LastSavepoint };
                await _history.HousekeepAsync(oldBinder, olds.Site, kept.LastSavepoint, ctx, ct);
                return kept;
            }
        }

        // last-state: the job must have a checkpoint to resume from before it is cancelled.
        var throughCheckpoint = live && current!.State == JobStates.Running && _mode == UpgradeMode.LastState;
        if (throughCheckpoint && await oldBinder.RetainedCheckpointAsync(olds.Site.Spe, olds.JobId!, ct) is { Path: null } none)
            throw ProviderException.Precondition($"upgradeMode `last-state`: {none.WhyNone}; the job keeps running, nothing was changed. Give it retained checkpoints or use upgradeMode `savepoint`");
        // A savepoint asked for while the job runs, when it is not stopped with one anyway.
        var onDemand = plan.TakesSavepoint && plan.Action is JobAction.Restart or JobAction.Suspend ? await SavepointOnDemandAsync(ct) : null;

        // Stop what runs; from here on the savepoint must reach Pulumi's state whatever happens next.
        string? savepoint = null;
        // A Node-RED job that stays on its engine is redeployed over its flow (same flow id; only changed nodes restart).
        _inPlace = live && wantRunning && sites.UpdatesInPlace(olds, news);
        if (live && !_inPlace)
        {
            savepoint = await oldBinder.StopAsync(olds.Site.Spe, olds.JobId!, new JobStop(_mode == UpgradeMode.Savepoint, news.SavepointDirectory ?? olds.SavepointDirectory) { Progress = StreamJob.Progress(ctx, olds) }, ct);
            if (savepoint is not null) _history.Add(savepoint);
        }
        var stopped = olds with { State = JobStates.Suspended, LastSavepoint = savepoint ?? onDemand ?? olds.LastSavepoint, Problem = null };
        _actual = stopped;
        try
        {
            if (savepoint is not null) await ctx.InfoAsync($"job {olds.JobId} on site '{olds.Site.SiteName}' stopped with a savepoint at {savepoint}");
            // last-state resumes from the latest retained checkpoint of the job it cancelled (or of one that ended).
            string? checkpoint = null;
            if (_mode == UpgradeMode.LastState && olds.JobId is { } oldJob && current is not null)
            {
                checkpoint = (await oldBinder.RetainedCheckpointAsync(olds.Site.Spe, oldJob, ct)).Path;
                if (checkpoint is null && throughCheckpoint)
                    throw new InvalidOperationException($"job {oldJob} was cancelled but its retained checkpoint is gone; restart it from a savepoint of it");
                if (checkpoint is not null) await ctx.InfoAsync($"job {oldJob} on site '{olds.Site.SiteName}' {(live ? "cancelled; resuming" : "resumes")} from its retained checkpoint {checkpoint}");
            }
            var restoreFrom = _mode switch
            {
                UpgradeMode.Savepoint => savepoint ?? olds.LastSavepoint ?? NeverDeployed(),
                UpgradeMode.LastState => checkpoint ?? onDemand ?? olds.LastSavepoint ?? NeverDeployed(),
                _ => NeverDeployed(),
            };
            stopped = stopped with { LastSavepoint = restoreFrom ?? stopped.LastSavepoint };
            _actual = stopped;
            return await AfterStopAsync(artifact, wantRunning, live, restoreFrom, stopped, ct);
        }
        catch (Exception e) when (e is not ResourceInitFailedException)
        {
            // Whatever failed (the engine's cancellation, a site that went away, a bug), what runs and the savepoint
            // are in Pulumi's state, never lost behind an INVALID_ARGUMENT or UNKNOWN.
            var what = e is OperationCanceledException ? "the update was cancelled" : $"the update did not finish: {e.Message}";
            List<string> reasons = [.. _reasons, savepoint is null ? what : $"{what}; the previous job stopped with a savepoint at {savepoint}"];
            if (_deploying is { } cut)
            {
                // Cut off mid-deployment: the job may have started. Cancel it, or say where it may run.
                using var cleanup = new CancellationTokenSource(CleanupTime);
                if (!await AbandonedAsync(cut.On, cut.Generation, cleanup.Token))
                    reasons.Add($"a job of this resource's generation {cut.Generation} may be running on site '{cut.On.Site.SiteName}'");
            }
            throw Failed(_actual ?? stopped, reasons);
        }
    }

    private async Task<StreamJobState> AfterStopAsync(JobArtifact artifact, bool wantRunning, bool live, string? restoreFrom, StreamJobState stopped, CancellationToken ct)
    {
        if (!wantRunning)
        {
            _actual = StreamJob.Record(news, artifact, null, stopped.LastSavepoint, _logins) with
            {
                JobId = olds.JobId,
                State = JobStates.Suspended,
                Generation = olds.Generation,
                ArtifactSha256 = olds.ArtifactSha256 ?? artifact.Sha256,
            };
            await sites.ReleaseAsync(olds.Site, ctx, ct);
            await RevokeUnusedAsync(olds.BrokerLogins, _logins, olds, ct);
            await _history.HousekeepAsync(sites.Binder(olds), olds.Site, _actual.LastSavepoint, ctx, ct);
            return _actual;
        }
        if (!live && restoreFrom is not null)
            await ctx.InfoAsync($"starting job from the last recorded savepoint {restoreFrom}");
        return await StartNewVersionAsync(artifact, restoreFrom, stopped, ct);
    }

    private async Task<StreamJobState> StartNewVersionAsync(JobArtifact artifact, string? restoreFrom, StreamJobState stopped, CancellationToken ct)
    {
        var ready = (ctx.Timeout ?? StreamJob.DefaultTimeout) / 2; // the new version's start and, if needed, the rollback's
        var generation = olds.Generation + 1;
        DeployedJob job;
        try
        {
            _deploying = (news, generation);
            job = await sites.Binder(news).DeployAsync(StreamJob.Deployment(news, ctx, artifact, generation, restoreFrom, ready, _logins), ct);
            _deploying = null;
        }
        catch (Exception e) when (e is not ResourceInitFailedException && !ct.IsCancellationRequested)
        {
            _deploying = null;
            _reasons.Add($"the new version did not start on site '{news.Site.SiteName}': {e.Message}");
            // The site may have started the job before failing (an answer lost on the way): only once no attempt of
            // this deployment runs (or no request reached the site) may the previous version start again, or two
            // versions would process the data.
            if (!NeverReached(e) && !await AbandonedAsync(news, generation, ct))
            {
                await RevokeUnusedAsync(_logins, olds.BrokerLogins ?? [], news, ct);
                throw Failed(stopped, [.. _reasons, $"the previous job is stopped{Where(restoreFrom)}; it was not started again: site '{news.Site.SiteName}' cannot tell whether the new version's job exists"]);
            }
            return await RollBackAsync(generation, restoreFrom, stopped, ct);
        }
        if (job.Running)
        {
            _actual = StreamJob.Record(news, artifact, job, restoreFrom ?? olds.LastSavepoint, _logins);
            // An in-place deploy finds the job's flow by node ids that derive from its URN; after a rename (an alias)
            // it writes a new flow instead, and the old one must go, or two flows would process the job's data.
            if (_inPlace && olds.JobId is { } previous && previous != job.JobId)
                await sites.Binder(olds).StopAsync(olds.Site.Spe, previous, new JobStop(false, null) { Progress = StreamJob.Progress(ctx, olds) }, ct);
            await sites.ReleaseAsync(olds.Site, ctx, ct);
            await RevokeUnusedAsync(olds.BrokerLogins, _logins, olds, ct);
            if (olds.Site.SiteName != news.Site.SiteName)
                await ctx.InfoAsync($"job moved from site '{olds.Site.SiteName}' to '{news.Site.SiteName}'{Where(restoreFrom)}");
            await _history.HousekeepAsync(sites.Binder(news), news.Site, _actual.LastSavepoint, ctx, ct);
            return _actual;
        }
        _reasons.Add($"the new version (job {job.JobId} on site '{news.Site.SiteName}') {StreamJob.Condition(job)}");
        _actual = stopped with { Generation = job.Generation };
        if (!JobStates.IsEnded(job.State))
            await sites.Binder(news).StopAsync(news.Site.Spe, job.JobId, new JobStop(false, null) { Progress = StreamJob.Progress(ctx, news) }, ct);
        return await RollBackAsync(job.Generation, restoreFrom, stopped, ct);
    }

    /// <summary>The new version does not run: start the previous one again, from the same savepoint, on its old site.</summary>
    private async Task<StreamJobState> RollBackAsync(int failedGeneration, string? restoreFrom, StreamJobState stopped, CancellationToken ct)
    {
        var failed = stopped with { Generation = failedGeneration };
        _actual = failed;
        if (olds.AdoptedInputs is { Count: > 0 } || olds.ArtifactSha256 is null)
            throw Failed(failed, [.. _reasons, $"the previous version was imported, so it cannot be started again; restart it from{Where(restoreFrom)}"]);

        // The previous version connects with its own logins again: their roles and passwords as they were.
        var oldLogins = sites.Logins.Choose(ctx, olds, olds.BrokerLogins, rotate: false);
        var previous = await sites.DeployedArtifactAsync(olds, ctx, oldLogins, ct);
        await sites.Logins.GrantAsync(ctx, olds, oldLogins, ct);
        await RevokeUnusedAsync(_logins, oldLogins, news, ct);
        var ready = (ctx.Timeout ?? StreamJob.DefaultTimeout) / 2;
        var generation = failedGeneration + 1;
        DeployedJob back;
        try
        {
            _deploying = (olds, generation);
            back = await sites.Binder(olds).DeployAsync(StreamJob.Deployment(olds, ctx, previous, generation, restoreFrom, ready, oldLogins), ct);
            _deploying = null;
        }
        catch (Exception e) when (e is not ResourceInitFailedException && !ct.IsCancellationRequested)
        {
            _deploying = null;
            var unsure = await AbandonedAsync(olds, generation, ct) ? "" : $"; the rollback's job may exist on site '{olds.Site.SiteName}'";
            throw Failed(failed, [.. _reasons, $"rolling back failed too: {e.Message}{unsure}; the previous job is stopped{Where(restoreFrom)}"]);
        }
        var state = StreamJob.Record(olds, previous, back, restoreFrom ?? olds.LastSavepoint, oldLogins) with { AdoptedInputs = olds.AdoptedInputs };
        _actual = state;
        await sites.ReleaseAsync(news.Site, ctx, ct);
        throw back.Running
            ? Failed(state, [.. _reasons, $"rolled back: the previous version runs again as job {back.JobId} on site '{olds.Site.SiteName}'{Where(restoreFrom)}"])
            : Failed(state, [.. _reasons, $"rolling back failed too: job {back.JobId} is {back.State}: {back.Problem}"]);
    }

    /// <summary>A job created suspended and never run starts from <c>initialSavepointPath</c>, as a first deployment does.</summary>
    private string? NeverDeployed() => olds.Generation == 0 && olds.JobId is null ? news.InitialSavepointPath : null;

    /// <summary>A savepoint of the running job, which keeps running (<c>savepointTriggerNonce</c>); recorded in the history.</summary>
    private async Task<string> SavepointOnDemandAsync(CancellationToken ct)
    {
        var path = await sites.Binder(olds).TakeSavepointAsync(olds.Site.Spe, olds.JobId!, news.SavepointDirectory ?? olds.SavepointDirectory, StreamJob.Progress(ctx, olds), ct);
        _history.Add(path);
        await ctx.InfoAsync($"job {olds.JobId} on site '{olds.Site.SiteName}' saved a savepoint at {path} and keeps running");
        return path;
    }

    /// <summary>Whether no job of the deployment attempts of <paramref name="on"/>'s site from <paramref name="generation"/> on runs any more.</summary>
    private async Task<bool> AbandonedAsync(StreamJobArgs on, int generation, CancellationToken ct)
    {
        try { return await sites.Binder(on).AbandonAsync(on.Site.Spe, ctx.Urn, generation, ct); }
        catch (Exception e) when (e is ProviderException or OperationCanceledException) { return false; }
    }

    /// <summary>The deployment failed to connect to its site: no request of it reached the engine.</summary>
    private static bool NeverReached(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }) return true;
        return false;
    }

    private StreamJobState Keep(JobArtifact artifact, ObservedJob current) => StreamJob.Record(news, artifact, null, olds.LastSavepoint, _logins) with
    {
        JobId = olds.JobId,
        State = current.State,
        Generation = olds.Generation,
        ArtifactSha256 = olds.ArtifactSha256 ?? artifact.Sha256,
        StartTime = current.StartTime ?? olds.StartTime,
        AdoptedInputs = null,
    };

    /// <summary>
    /// Records the program's inputs for a job just imported, without touching it: the program is taken to describe
    /// what runs. Its code is the program's word, not known (no <c>artifactSha256</c>), so the next update that changes
    /// the job redeploys it and none can roll back to it.
    /// </summary>
    private StreamJobState Adopt(ObservedJob current) => StreamJob.Record(news, null, null, olds.LastSavepoint) with
    {
        JobId = olds.JobId,
        State = current.State,
        Generation = olds.Generation,
        StartTime = current.StartTime ?? olds.StartTime,
        AdoptedInputs = null,
        ArtifactSha256 = null,
    };

    /// <summary>Revokes the logins of <paramref name="from"/> that <paramref name="keep"/> does not hold, on the brokers of <paramref name="topicsOf"/>.</summary>
    private Task RevokeUnusedAsync(IReadOnlyList<BrokerLogin>? from, IReadOnlyList<BrokerLogin> keep, StreamJobArgs topicsOf, CancellationToken ct) =>
        sites.Logins.RevokeAsync(ctx.Urn, from, keep, StreamJob.Topics(topicsOf), ct);

    private ResourceInitFailedException Failed(StreamJobState state, IReadOnlyList<string> reasons) =>
        new(ctx.Id, _history.Apply(state), reasons);

    private static string Where(string? savepoint) => savepoint is null ? "" : $" from savepoint {savepoint}";
}

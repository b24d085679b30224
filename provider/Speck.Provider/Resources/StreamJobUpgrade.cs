using Speck.Host.Resources;
using Speck.Provider.Model;
using Speck.Provider.Spe;

namespace Speck.Provider.Resources;

/// <summary>
/// One StreamJob update: suspend, resume, restart a new version, or move to another site. In <c>savepoint</c> mode
/// the old job is stopped with a savepoint and the new version starts from it; if the new version does not run, the
/// previous version is started again from the same savepoint. Once the old job has stopped, every failure is reported
/// with a state (ErrorResourceInitFailed) that names the job actually deployed and the savepoint, so nothing is lost.
/// </summary>
internal sealed class StreamJobUpgrade(StreamJob resource, StreamJobState olds, StreamJobArgs news, ResourceContext ctx)
{
    private const int HistoryLength = 10;
    private readonly bool _stateful = (news.UpgradeMode ?? UpgradeMode.Savepoint) == UpgradeMode.Savepoint;
    private List<string>? _history = olds.SavepointHistory;
    private List<BrokerLogin> _logins = [];
    private bool _inPlace;

    public async Task<StreamJobState> RunAsync() => await ApplyAsync() with { SavepointHistory = _history };

    private async Task<StreamJobState> ApplyAsync()
    {
        using var deadline = StreamJob.Deadline(ctx);
        var ct = deadline.Token;
        _logins = await resource.Logins.GrantAsync(ctx, news, olds.BrokerLogins, rotate: olds.PasswordRotation != news.PasswordRotation, ct);
        var artifact = await resource.ArtifactAsync(news, ctx, _logins, ct);
        var oldBinder = resource.Binder(olds);
        var current = olds.JobId is { } id ? await oldBinder.FindAsync(olds.Site.Spe, id, ct) : null;
        var live = current?.Live == true;
        var wantRunning = (news.DesiredState ?? DesiredState.Running) == DesiredState.Running;
        // An imported job runs code Flink does not describe: the first update redeploys it (from a savepoint) so that
        // from then on the state says what runs.
        var redeploy = olds.AdoptedInputs is { Count: > 0 } || olds.ArtifactSha256 != artifact.Sha256
            || StreamJobDiff.DeploymentInputs.Any(i => i != "artifact" && !StreamJobDiff.SameDeployment(i, olds, news))
            || !StreamJobArguments.Build(olds, olds.BrokerLogins).SequenceEqual(StreamJobArguments.Build(news, _logins));

        if (wantRunning && current?.State == JobStates.Running && !redeploy)
        {
            await RevokeUnusedAsync(olds.BrokerLogins, _logins, olds, ct);
            return Keep(artifact, current);
        }

        // Stop what runs; from here on the savepoint must reach Pulumi's state whatever happens next.
        string? savepoint = null;
        // A Node-RED job that stays on its engine is redeployed over its flow (same flow id; only changed nodes restart).
        _inPlace = live && wantRunning && StreamJobNodeRed.UpdatesInPlace(olds, news);
        if (live && !_inPlace)
        {
            savepoint = await oldBinder.StopAsync(olds.Site.Spe, olds.JobId!, new JobStop(_stateful, news.SavepointDirectory ?? olds.SavepointDirectory), ct);
            if (savepoint is not null)
            {
                _history = [.. (olds.SavepointHistory ?? []).TakeLast(HistoryLength - 1), savepoint];
                await ctx.InfoAsync($"job {olds.JobId} on site '{olds.Site.SiteName}' stopped with a savepoint at {savepoint}");
            }
        }
        var restoreFrom = _stateful ? savepoint ?? olds.LastSavepoint : null;
        var stopped = olds with { State = JobStates.Suspended, LastSavepoint = restoreFrom ?? olds.LastSavepoint, Problem = null };

        if (!wantRunning)
        {
            await resource.ReleaseAsync(olds.Site, ctx, ct);
            await RevokeUnusedAsync(olds.BrokerLogins, _logins, olds, ct);
            return StreamJob.Record(news, artifact, null, stopped.LastSavepoint, _logins) with
            {
                JobId = olds.JobId, State = JobStates.Suspended, Generation = olds.Generation,
                ArtifactSha256 = olds.ArtifactSha256 ?? artifact.Sha256,
            };
        }
        if (!live && restoreFrom is not null)
            await ctx.InfoAsync($"starting job from the last recorded savepoint {restoreFrom}");
        return await StartNewVersionAsync(artifact, restoreFrom, stopped, ct);
    }

    private async Task<StreamJobState> StartNewVersionAsync(JobArtifact artifact, string? restoreFrom, StreamJobState stopped, CancellationToken ct)
    {
        var ready = (ctx.Timeout ?? StreamJob.DefaultTimeout) / 2; // the new version's start and, if needed, the rollback's
        DeployedJob job;
        try
        {
            job = await resource.Binder(news).DeployAsync(StreamJob.Deployment(news, ctx, artifact, olds.Generation + 1, restoreFrom, ready, _logins), ct);
        }
        catch (Exception e) when (e is ProviderException or OperationCanceledException && !ctx.CancellationToken.IsCancellationRequested)
        {
            await RevokeUnusedAsync(_logins, olds.BrokerLogins ?? [], news, ct);
            throw Failed(stopped, [$"the new version did not start: {e.Message}; the previous job is stopped{Where(restoreFrom)}"]);
        }
        if (job.Running)
        {
            // An in-place deploy finds the job's flow by node ids that derive from its URN; after a rename (an alias)
            // it writes a new flow instead, and the old one must go, or two flows would process the job's data.
            if (_inPlace && olds.JobId is { } previous && previous != job.JobId)
                await resource.Binder(olds).StopAsync(olds.Site.Spe, previous, new JobStop(false, null), ct);
            await resource.ReleaseAsync(olds.Site, ctx, ct);
            await RevokeUnusedAsync(olds.BrokerLogins, _logins, olds, ct);
            if (olds.Site.SiteName != news.Site.SiteName)
                await ctx.InfoAsync($"job moved from site '{olds.Site.SiteName}' to '{news.Site.SiteName}'{Where(restoreFrom)}");
            return StreamJob.Record(news, artifact, job, restoreFrom ?? olds.LastSavepoint, _logins);
        }
        return await RollBackAsync(job, restoreFrom, stopped, ct);
    }

    /// <summary>The new version does not run: start the previous one again, from the same savepoint, on its old site.</summary>
    private async Task<StreamJobState> RollBackAsync(DeployedJob failed, string? restoreFrom, StreamJobState stopped, CancellationToken ct)
    {
        var newBinder = resource.Binder(news);
        if (!JobStates.IsEnded(failed.State))
            await newBinder.StopAsync(news.Site.Spe, failed.JobId, new JobStop(false, null), ct);
        var reason = $"the new version (job {failed.JobId} on site '{news.Site.SiteName}') {StreamJob.Condition(failed)}";
        if (olds.AdoptedInputs is { Count: > 0 } || olds.ArtifactSha256 is null)
            throw Failed(stopped with { Generation = failed.Generation }, [reason, $"the previous version was imported, so it cannot be started again; restart it from{Where(restoreFrom)}"]);

        // The previous version connects with its own logins again: their roles and passwords as they were.
        var oldLogins = await resource.Logins.GrantAsync(ctx, olds, olds.BrokerLogins, rotate: false, ct);
        await RevokeUnusedAsync(_logins, oldLogins, news, ct);
        var previous = await resource.ArtifactAsync(olds, ctx, oldLogins, ct);
        var ready = (ctx.Timeout ?? StreamJob.DefaultTimeout) / 2; // the new version's start and, if needed, the rollback's
        DeployedJob back;
        try
        {
            back = await resource.Binder(olds).DeployAsync(StreamJob.Deployment(olds, ctx, previous, failed.Generation + 1, restoreFrom, ready, oldLogins), ct);
        }
        catch (ProviderException e)
        {
            throw Failed(stopped with { Generation = failed.Generation }, [reason, $"rolling back failed too: {e.Message}"]);
        }
        var state = StreamJob.Record(olds, previous, back, restoreFrom ?? olds.LastSavepoint, oldLogins) with { AdoptedInputs = olds.AdoptedInputs };
        await resource.ReleaseAsync(news.Site, ctx, ct);
        throw back.Running
            ? Failed(state, [reason, $"rolled back: the previous version runs again as job {back.JobId}{Where(restoreFrom)}"])
            : Failed(state, [reason, $"rolling back failed too: job {back.JobId} is {back.State}: {back.Problem}"]);
    }

    private StreamJobState Keep(JobArtifact artifact, ObservedJob current) => StreamJob.Record(news, artifact, null, olds.LastSavepoint, _logins) with
    {
        JobId = olds.JobId, State = current.State, Generation = olds.Generation,
        ArtifactSha256 = olds.ArtifactSha256 ?? artifact.Sha256, StartTime = current.StartTime ?? olds.StartTime,
        AdoptedInputs = null,
    };

    /// <summary>Revokes the logins of <paramref name="from"/> that <paramref name="keep"/> does not hold, on the brokers of <paramref name="topicsOf"/>.</summary>
    private Task RevokeUnusedAsync(IReadOnlyList<BrokerLogin>? from, IReadOnlyList<BrokerLogin> keep, StreamJobArgs topicsOf, CancellationToken ct) =>
        resource.Logins.RevokeAsync(ctx.Urn, from, keep, StreamJob.Topics(topicsOf), ct);

    private ResourceInitFailedException Failed(StreamJobState state, IReadOnlyList<string> reasons) =>
        new(ctx.Id, state with { SavepointHistory = _history }, reasons);

    private static string Where(string? savepoint) => savepoint is null ? "" : $" from savepoint {savepoint}";
}

using Speck.Host.Resources;
using Speck.Host.Values;
using Speck.Provider.Credentials;
using Speck.Provider.Model;
using Speck.Provider.Spe;

namespace Speck.Provider.Resources;

/// <summary>
/// A stream job on a site's engine, told where its data is by its sources' and sink's endpoints. Submissions carry
/// IDs derived from the URN and a generation, so a retried Create finds its job; updates stop the job (with a
/// savepoint in <c>savepoint</c> mode) and start the new version from it, rolling back when it does not run.
/// The ID is <c>&lt;site name&gt;/&lt;first job ID&gt;</c>; imports take one that also says where the site is (<see cref="StreamJobImport"/>).
/// <para>
/// Import, as the engine runs it (docs/pulumi-engine.md §Import): Read returns the inputs the import ID and the engine tell
/// (<see cref="StreamJobImport"/>) and lists the rest in <c>adoptedInputs</c>; the engine records Read's inputs and outputs, then
/// Checks and Diffs the program against them. The program's jar, arguments, topics… show as added, so the engine
/// runs Update in the same <c>up</c>; that first Update (old inputs without a <c>sink</c>) records the program's
/// inputs and leaves a running job on its site alone: the program is taken to describe it. Were the diff "no
/// change", the engine would keep Read's inputs for good and no later change could be told from the import. From
/// then on the recorded inputs are the program's and diffs are ordinary: the first update that changes anything
/// redeploys the job from a savepoint (its code is not known, so it cannot be rolled back), after which the state
/// says what runs and <c>adoptedInputs</c> is gone. An import whose program moves or suspends the job does that at once.
/// </para>
/// </summary>
public sealed class StreamJob(Binders binders, TypeContracts contracts)
    : CustomResource<StreamJobArgs, StreamJobState>("speck:index:StreamJob",
        "A stream processing job on a site's engine (Apache Flink, or Node-RED with `nodeRed`): its code, the topics it reads and the topic it writes. " +
        "Updates keep its state (stop with savepoint, start the new version from it, roll back if it does not run); " +
        "changing `site` moves it with its state. The job learns where its data is from its program arguments: " +
        "`[source broker URL, source topic, sink broker URL, sink topic]`, then further sources as broker, topic pairs, then " +
        "`arguments`, unless `argumentTemplate` gives another layout. Import with " +
        "`<site name>/<job ID>?tier=<tier>&spe=<flink|nodered>:<engine URL>&broker=<broker URL>`, and on Flink " +
        "`&source=<topic>&sink=<topic>&jarPath=<jar>[&entryClass=<class>]`: Flink does not report a job's jar, entry class, " +
        "arguments or topics, so the ID states the jar and topics (Check needs them) and the rest is taken from the program " +
        "as given and listed in `adoptedInputs`; a Node-RED flow's sources, sink and processing are read from the flow. " +
        "Credentials come from the provider's `credentials`. The import's own update records the program's inputs without touching the job; the first later update that changes it redeploys it (from a savepoint on Flink). " +
        "Its outputs repeat its inputs as they are deployed: after a rolled-back update they name the version that runs.",
        contracts)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);
    private readonly StreamJobComposition _composition = new();
    private readonly StreamJobSites _sites = new(binders);
    /// <summary>Time past the operation's timeout for reporting and cleaning up once the job is found unready.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    /// <summary>The whole operation's token: the engine's timeout (or the default) plus a grace for cleanup.</summary>
    internal static CancellationTokenSource Deadline(ResourceContext ctx)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.CancellationToken);
        cts.CancelAfter((ctx.Timeout ?? DefaultTimeout) + Grace);
        return cts;
    }

    protected override PropertyMap ApplyDefaults(PropertyMap news, ResourceContext ctx)
    {
        // The schema's defaults (`savepoint`, `running`) are not written in: absent means them everywhere, and the
        // state stays smaller. An engine's own default is, where it differs from the schema's.
        return _sites.ApplyDefaults(news);
    }

    protected override void Validate(StreamJobArgs args, CheckContext check)
    {
        bool Unknown(string p) => check.News.Get(p)?.ContainsUnknowns == true;
        bool Failed(string p) => check.Failures.Any(f => f.Property.StartsWith(p, StringComparison.Ordinal));
        if (!Unknown("site") && args.Site is { Spe: null } engineless)
            check.Fail("site.spe", $"site '{engineless.SiteName}' has no engine: a job runs on a site with one");
        if (!Unknown("site") && args.Site?.Spe is not null)
        {
            var source = _sites.Source(args, check.Resource.Urn, check.Resource.Name, []) with
            {
                State = new StateOptions
                {
                    CheckpointUpgrades = args.UpgradeMode == UpgradeMode.LastState,
                    EngineConfiguration = args.FlinkConfiguration is { Count: > 0 },
                    InitialSavepoint = args.InitialSavepointPath is not null,
                    SavepointsOnDemand = args.SavepointTriggerNonce is not null,
                    SavepointRetention = args.SavepointRetention is not null,
                },
            };
            var job = new JobCheck(source, Unknown, Failed);
            foreach (var problem in _sites.Binder(args).CheckJob(job)) check.Fail(problem.Path, problem.Problem);
        }
        if (args.Sources is { Count: 0 } && !Unknown("sources")) check.Fail("sources", "a job needs at least one source topic");
        if (args.Parallelism is < 1) check.Fail("parallelism", "parallelism must be at least 1");
        if (args.ReadinessSeconds is < 0) check.Fail("readinessSeconds", "must not be negative");
        foreach (var (path, problem) in args.SavepointRetention?.Problems() ?? []) check.Fail(path, problem);
        if (args.ArgumentTemplate is { } template && !Unknown("sources"))
            foreach (var (i, problem) in StreamJobArguments.Problems(template, args.Sources?.Count ?? 0))
                check.Fail($"argumentTemplate[{i}]", problem);
        if (check.Failures.Count == 0 && !Unknown("sources") && !Unknown("sink") && !Unknown("site"))
            foreach (var warning in _composition.Check(check.Resource.Urn, check.Resource.Name, args))
                check.Warn(warning);
    }

    protected override void CustomizeDiff(DiffContext<StreamJobArgs, StreamJobState> diff)
    {
        CredentialDiff.DropUnchanged(diff.Detailed, binders.Credentials, p => (Endpoint(diff.OldState, p), Endpoint(diff.NewArgs, p)));
        StreamJobDiff.Customize(diff, site => binders.Spe(site.Spe.Kind).Traits.KeepsSavepoints ? UpgradeMode.Savepoint : UpgradeMode.Stateless);
    }

    /// <summary>The engine or broker a credential path of the job's inputs is under.</summary>
    private static object? Endpoint(StreamJobArgs? args, string path) =>
        CredentialDiff.SiteEndpoint(args?.Site, path) ?? (path == "sink.broker" ? args?.Sink?.Broker
            : path.StartsWith("sources[", StringComparison.Ordinal) && path.EndsWith("].broker", StringComparison.Ordinal)
              && int.TryParse(path["sources[".Length..^"].broker".Length], out var i) && args?.Sources is { } s && i >= 0 && i < s.Count ? s[i]?.Broker : null);

    /// <summary>
    /// The preview's outputs, and what will happen to the running job, logged: a parallelism change asks the site
    /// whether it rescales in place, and a restart through a retained checkpoint (<c>last-state</c>) checks the job
    /// has one, refusing the update (the job untouched) when it has not.
    /// </summary>
    protected override async Task<PreviewOutputs<StreamJobState>> PreviewUpdateAsync(StreamJobState olds, StreamJobArgs news, Func<string, bool> isUnknown, ResourceContext ctx)
    {
        using var deadline = ctx.Deadline(binders.Config.ProbeTimeout());
        var (plan, outputs) = await StreamJobPreview.PlanAsync(_sites, olds, news, isUnknown, deadline.Token);
        if (plan.ThroughCheckpoint && olds.State == JobStates.Running && olds.JobId is { } jobId && olds.Site?.Spe is { } spe)
        {
            var retained = await _sites.Binder(olds).RetainedCheckpointAsync(spe, jobId, deadline.Token);
            if (retained.Path is null)
                throw ProviderException.Precondition($"upgradeMode `last-state` cannot {(plan.Action == JobAction.Suspend ? "suspend" : "restart")} job {jobId} on site '{olds.Site.SiteName}': " +
                    $"{retained.WhyNone}. Nothing was changed; give the job retained checkpoints or use upgradeMode `savepoint`");
            await ctx.InfoAsync($"{plan.Describe(olds, news)} ({retained.Path} now)");
        }
        else if (plan.Action != JobAction.Keep) await ctx.InfoAsync(plan.Describe(olds, news));
        return outputs;
    }

    protected override async Task<(string Id, StreamJobState State)> CreateAsync(StreamJobArgs args, ResourceContext ctx)
    {
        using var deadline = Deadline(ctx);
        if (args.DesiredState == DesiredState.Suspended)
            return (SuspendedId(args, ctx), Record(args, await _sites.ArtifactAsync(args, ctx, [], deadline.Token)) with { State = JobStates.Suspended, Generation = 0 });
        // The job's code first: code its engine cannot run (an unreadable jar, a flow that does not wire) fails the
        // Create before any login exists on a broker.
        var logins = _sites.Logins.Choose(ctx, args, null, rotate: false);
        var artifact = await _sites.ArtifactAsync(args, ctx, logins, deadline.Token);
        await _sites.Logins.GrantAsync(ctx, args, logins, deadline.Token);
        DeployedJob job;
        try
        {
            // The first deployment starts from initialSavepointPath (when given); later ones from the job's own savepoints.
            job = await _sites.Binder(args).DeployAsync(Deployment(args, ctx, artifact, 1, args.InitialSavepointPath, ctx.Timeout ?? DefaultTimeout, logins), deadline.Token);
        }
        catch (ProviderException e)
        {
            // The site may have started the job before the failure (an answer lost on the way), as an upgrade's
            // cut-off deployment may (StreamJobUpgrade): cancel any attempt of it, or say that one may run.
            if (AnswerLost(e) && !await AbandonedAsync(args, ctx.Urn, deadline.Token))
                throw ProviderException.OutcomeUnknown($"{e.Message}; a job of this resource may be running on site '{args.Site.SiteName}'", e);
            // Refused cleanly (a node type the engine lacks) or cancelled: no job exists and Pulumi
            // records nothing, so the logins would be orphans.
            await _sites.Logins.RevokeAsync(ctx.Urn, logins, [], Topics(args), deadline.Token);
            throw;
        }
        var id = $"{args.Site.SiteName}/{job.JobId}";
        var state = Record(args, artifact, job, logins: logins);
        if (!job.Running) throw new ResourceInitFailedException(id, state, [$"job {job.JobId} on site '{args.Site.SiteName}' {Condition(job)}"]);
        return (id, state);
    }

    /// <summary>An import records the resource's own ID, without the site's whereabouts the import ID carried.</summary>
    /// <summary>Failures name the site (a partial recorded state may have none).</summary>
    protected override string? Place(StreamJobArgs args) => args.Site?.SiteName is { Length: > 0 } site ? $"site '{site}'" : null;

    protected override string ImportedId(string importId, StreamJobState state) => state.JobId is { } jobId ? $"{state.Site.SiteName}/{jobId}" : ImportId.Resource(importId);

    protected override async Task<(StreamJobArgs Inputs, StreamJobState State)?> ReadAsync(string id, StreamJobArgs? oldInputs, StreamJobState? oldState, ResourceContext ctx)
    {
        using var deadline = ctx.Deadline(binders.Config.ProbeTimeout());
        if (oldState is null || oldInputs is null) return await new StreamJobImport(binders).ReadAsync(id, deadline.Token);
        if (oldState.BrokerLogins is { Count: > 0 } logins)
        {
            var drift = await _sites.Logins.DriftAsync(ctx.Urn, ctx.Name, oldState, logins, deadline.Token);
            foreach (var d in drift) await ctx.WarnAsync($"broker login drifted: {d}");
            oldState = oldState with { LoginsInSync = drift.Count == 0 };
        }
        if (oldState.JobId is not { } jobId) return (oldInputs, oldState);
        var found = await _sites.Binder(oldState).FindAsync(oldState.Site.Spe, jobId, deadline.Token);
        var suspended = oldState.State == JobStates.Suspended;
        var observed = found?.State ?? JobStates.Missing;
        if (suspended && !(found?.Live ?? false)) return (oldInputs, oldState);
        if (observed != oldState.State)
            await ctx.WarnAsync($"job {jobId} on site '{oldState.Site.SiteName}' is {observed} (recorded {oldState.State}){(found?.Problem is { } p ? ": " + p : "")}");
        return (oldInputs, oldState with
        {
            State = observed,
            StartTime = found?.StartTime ?? oldState.StartTime,
            Problem = observed == JobStates.Running ? found?.Problem : found?.Problem ?? (found is null ? "the engine no longer knows the job" : oldState.Problem),
        });
    }

    protected override Task<StreamJobState> UpdateAsync(string id, StreamJobState olds, StreamJobArgs news, ResourceContext ctx) =>
        new StreamJobUpgrade(_sites, olds, news, ctx).RunAsync();

    protected override async Task DeleteAsync(string id, StreamJobState olds, ResourceContext ctx)
    {
        using var deadline = Deadline(ctx);
        var binder = _sites.Binder(olds);
        if (olds.JobId is { } jobId && await binder.FindAsync(olds.Site.Spe, jobId, deadline.Token) is { Live: true })
        {
            var withSavepoint = olds.SavepointOnDelete == true;
            var savepoint = await binder.StopAsync(olds.Site.Spe, jobId, new JobStop(withSavepoint, olds.SavepointDirectory) { Progress = Progress(ctx, olds) }, deadline.Token);
            if (savepoint is not null) await ctx.InfoAsync($"job {jobId} on site '{olds.Site.SiteName}' stopped with a final savepoint at {savepoint}");
        }
        else if (olds.LastSavepoint is { } last)
            await ctx.InfoAsync($"job {olds.JobId} on site '{olds.Site.SiteName}' was not running; its last savepoint is at {last}");
        // After the job: a login deleted first would make a still-running job fail on its broker.
        await _sites.Logins.RevokeAsync(ctx.Urn, olds.BrokerLogins, [], Topics(olds), deadline.Token);
        await _sites.ReleaseAsync(olds.Site, ctx, deadline.Token);
    }

    /// <summary>Whether no attempt of this resource's first generation runs on its site (after cancelling any that does).</summary>
    private async Task<bool> AbandonedAsync(StreamJobArgs args, string urn, CancellationToken ct)
    {
        try { return await _sites.Binder(args).AbandonAsync(args.Site.Spe, urn, 1, ct); }
        catch (Exception e) when (e is ProviderException or OperationCanceledException) { return false; }
    }

    /// <summary>A request reached the site and its answer never came back: what it asked for may have happened.</summary>
    private static bool AnswerLost(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is HttpRequestException h) return h.HttpRequestError is not (HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError);
        return false;
    }

    /// <summary>A job created suspended has no engine ID yet; its resource ID is still unique per resource.</summary>
    private static string SuspendedId(StreamJobArgs args, ResourceContext ctx) =>
        $"{args.Site.SiteName}/suspended-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ctx.Urn)))[..12]}";

    /// <summary>What is wrong with a job that does not run as it should: its state, or that it runs but is not ready yet.</summary>
    internal static string Condition(DeployedJob job) =>
        job.State == JobStates.Running ? $"runs but is not ready: {job.Problem}" : $"is {job.State}: {job.Problem}";

    internal static IEnumerable<TopicEndpoint> Topics(StreamJobArgs args) => (args.Sources ?? []).Append(args.Sink).Where(t => t is not null);

    internal static JobDeployment Deployment(StreamJobArgs args, ResourceContext ctx, JobArtifact artifact, int generation, string? restoreFrom, TimeSpan ready,
        IReadOnlyList<BrokerLogin>? logins) => new()
        {
            Endpoint = args.Site.Spe,
            Key = ctx.Urn,
            Generation = generation,
            Artifact = artifact,
            EntryClass = args.EntryClass,
            Arguments = StreamJobArguments.Build(args, logins),
            Parallelism = args.Parallelism,
            RestoreFrom = restoreFrom,
            AllowNonRestoredState = args.AllowNonRestoredState == true,
            EngineConfiguration = args.FlinkConfiguration,
            ReadyTimeout = ready,
            Stabilization = TimeSpan.FromSeconds(args.ReadinessSeconds ?? 0),
            Progress = Progress(ctx, args),
        };

    /// <summary>Status lines for the job's long waits on its site.</summary>
    internal static WaitProgress Progress(ResourceContext ctx, StreamJobArgs on) => ctx.Progress($"on site '{on.Site.SiteName}'");

    /// <summary>
    /// The state of a job deployed from <paramref name="args"/> (inputs copied, so the state says what runs) with
    /// <paramref name="logins"/>; a job without any (no broker with access control) records none.
    /// </summary>
    internal static StreamJobState Record(StreamJobArgs args, JobArtifact? artifact, DeployedJob? job = null, string? lastSavepoint = null,
        IReadOnlyList<BrokerLogin>? logins = null) => new()
        {
            Site = args.Site,
            Artifact = args.Artifact,
            NodeRed = args.NodeRed,
            JarPath = args.JarPath,
            EntryClass = args.EntryClass,
            Arguments = args.Arguments,
            ArgumentTemplate = args.ArgumentTemplate,
            Parallelism = args.Parallelism,
            Sources = args.Sources,
            Sink = args.Sink,
            UpgradeMode = args.UpgradeMode,
            SavepointDirectory = args.SavepointDirectory,
            AllowNonRestoredState = args.AllowNonRestoredState,
            DesiredState = args.DesiredState,
            SavepointOnDelete = args.SavepointOnDelete,
            ReadinessSeconds = args.ReadinessSeconds,
            PasswordRotation = args.PasswordRotation,
            FlinkConfiguration = args.FlinkConfiguration,
            InitialSavepointPath = args.InitialSavepointPath,
            SavepointTriggerNonce = args.SavepointTriggerNonce,
            RestartNonce = args.RestartNonce,
            SavepointRetention = args.SavepointRetention,
            JobId = job?.JobId,
            State = job?.State ?? JobStates.Missing,
            ArtifactSha256 = artifact?.Sha256,
            StartTime = job?.StartTime,
            Generation = job?.Generation ?? 0,
            LastSavepoint = lastSavepoint,
            SiteName = args.Site.SiteName,
            Problem = job?.Problem,
            BrokerLogins = logins is { Count: > 0 } ? [.. logins] : null,
            LoginsInSync = logins is { Count: > 0 } ? true : null,
        };
}

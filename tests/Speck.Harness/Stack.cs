using System.Text.Json.Nodes;
using Grpc.Core;
using Speck.Harness.Deployment;
using Speck.Harness.Engine;
using Speck.Harness.Monitor;
using Speck.Harness.Program;
using Speck.Harness.State;

namespace Speck.Harness;

/// <summary>How to run a stack: the program's folder, the stack name, the provider binary to launch.</summary>
public sealed record StackOptions
{
    public required string ProgramDirectory { get; init; }
    public required string Stack { get; init; }
    public required string ProviderBinary { get; init; }

    /// <summary>Append PULUMI_DEBUG_GRPC-style JSON lines of every provider call here.</summary>
    public string? GrpcLogPath { get; init; }

    /// <summary>How many resource steps run at once; the CLI's default (<see cref="DefaultParallel"/>) unless set.</summary>
    public int Parallel { get; init; } = DefaultParallel();

    /// <summary>
    /// The default of <c>pulumi up/preview/destroy/refresh --parallel</c>: <c>PULUMI_PARALLEL</c> when it is a
    /// positive number, otherwise 4 × the processors the process may use (pulumi/pulumi#15016, #18782; the CLI
    /// takes Go's GOMAXPROCS, which like <see cref="Environment.ProcessorCount"/> follows CPU affinity and limits).
    /// </summary>
    public static int DefaultParallel(string? pulumiParallel) =>
        long.TryParse(pulumiParallel?.Trim(), out var p) && p > 0 ? (int)Math.Min(p, int.MaxValue) : 4 * Environment.ProcessorCount;

    public static int DefaultParallel() => DefaultParallel(Environment.GetEnvironmentVariable("PULUMI_PARALLEL"));

    /// <summary>
    /// Write the state only when the operation ends, not before and after every step: the CLI's
    /// <c>PULUMI_SKIP_CHECKPOINTS</c>, which wide stacks use because the engine's checkpoints are written one at a time.
    /// </summary>
    public bool SkipCheckpoints { get; init; } = Environment.GetEnvironmentVariable("PULUMI_SKIP_CHECKPOINTS")?.Trim().ToLowerInvariant() is "1" or "true" or "yes";

    /// <summary>The passphrase of the stack's secure config; null reads it as the CLI does (PULUMI_CONFIG_PASSPHRASE, …_FILE).</summary>
    public string? Passphrase { get; init; }

    /// <summary>Flags placed before the engine address, e.g. <c>--logtostderr</c>, <c>-v=9</c>.</summary>
    public IReadOnlyList<string> ProviderFlags { get; init; } = [];

    /// <summary>Where provider messages are printed as they arrive (the CLI's live output); null for none.</summary>
    public TextWriter? Out { get; init; }

    /// <summary>Called with the process id of each provider process started (fault tests kill it mid-call).</summary>
    public Action<int>? ProviderStarted { get; init; }
}

/// <summary>
/// <c>pulumi refresh</c>'s flags for pending creates. Run non-interactively (as the harness always is) the CLI neither
/// asks nor clears: the pending creates stay (refresh.go:310-327 (pulumi v3.259.0); docs/pulumi-engine.md §Pending operations).
/// </summary>
public sealed record RefreshOptions
{
    /// <summary><c>--clear-pending-creates</c>: drop every pending create from the state before refreshing.</summary>
    public bool ClearPendingCreates { get; init; }
}

/// <summary>
/// A stack of a program (Pulumi YAML, or Node.js / .NET through the resource monitor) run by the harness engine: the operations of the CLI, each returning what
/// happened per resource, the diffs, outputs, provider log messages and the provider calls in order.
/// </summary>
public sealed class Stack(StackOptions options)
{
    private int _processes;

    public string StatePath => StateFile.PathFor(options.ProgramDirectory, options.Stack);

    public StateFile LoadState() => StateFile.Load(options.ProgramDirectory, options.Stack);

    /// <summary><c>pulumi preview</c>; its <see cref="DeploymentResult.Plan"/> is what <c>pulumi preview --save-plan</c> saves.</summary>
    public Task<DeploymentResult> PreviewAsync(CancellationToken ct = default) => UpdateAsync(preview: true, null, ct);

    /// <summary>
    /// <c>pulumi up</c> held to its preview, as <c>pulumi up --plan</c> is: a preview of the same program and state,
    /// then the update in a fresh provider process, which fails on any step the preview did not show or showed
    /// otherwise (docs/pulumi-engine.md §Plans).
    /// </summary>
    public Task<DeploymentResult> UpAsync(CancellationToken ct = default) => UpAsync(skipPreview: false, ct);

    /// <summary><c>pulumi up --skip-preview</c> goes straight to the update (no plan to hold it to).</summary>
    public Task<DeploymentResult> UpAsync(bool skipPreview, CancellationToken ct = default) => UpAsync(skipPreview, holdToPlan: true, ct);

    /// <summary><c>pulumi up</c> (<paramref name="holdToPlan"/> false) or <c>pulumi up --plan</c> against its own preview (true).</summary>
    public async Task<DeploymentResult> UpAsync(bool skipPreview, bool holdToPlan, CancellationToken ct = default) =>
        skipPreview ? await UpdateAsync(preview: false, null, ct) : await PlannedUpAsync(holdToPlan, ct);

    /// <summary>
    /// <c>pulumi up --plan FILE</c>: the update alone, held to the plan of an earlier preview
    /// (<see cref="DeploymentResult.Plan"/>). The plan is used up by the update: take a new preview for another.
    /// </summary>
    public Task<DeploymentResult> UpAsync(DeploymentPlan plan, CancellationToken ct = default) => UpdateAsync(preview: false, plan, ct);

    /// <summary>
    /// A plain <c>pulumi up</c>: a preview, then an update that is not held to it. Only for a test that changes the
    /// world between the two on purpose; <paramref name="why"/> says why, and is kept in the result's warnings.
    /// </summary>
    public async Task<DeploymentResult> UpWithoutPlanAsync(string why, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(why)) throw new ArgumentException("say why this up is not held to its preview", nameof(why));
        var result = await PlannedUpAsync(checkPlan: false, ct);
        result.Warnings.Add("not held to the preview's plan: " + why);
        return result;
    }

    private async Task<DeploymentResult> PlannedUpAsync(bool checkPlan, CancellationToken ct)
    {
        var preview = await UpdateAsync(preview: true, null, ct);
        if (!preview.Succeeded)
        {
            var failed = new DeploymentResult(Operation.Update, options.Stack) { Preview = preview };
            failed.Errors.AddRange(preview.Errors);
            return failed;
        }
        var update = await UpdateAsync(preview: false, checkPlan ? preview.Plan : null, ct);
        update.Preview = preview;
        return update;
    }

    public Task<DeploymentResult> RefreshAsync(CancellationToken ct = default) => RefreshAsync(new RefreshOptions(), ct);

    /// <summary><c>pulumi refresh --yes</c>, run non-interactively: pending creates stay unless <paramref name="refresh"/> clears them.</summary>
    public Task<DeploymentResult> RefreshAsync(RefreshOptions refresh, CancellationToken ct = default) =>
        FromStateAsync(Operation.Refresh, (state, calls, result, redactor) =>
        {
            // The state edit comes before the engine runs (pkg/cmd/pulumi/operations/refresh.go:281-327 (pulumi v3.259.0)).
            if (refresh.ClearPendingCreates) state.ClearPendingCreates();
            return RefreshRun.RunAsync(state, calls, options.Parallel, result, redactor);
        }, ct);

    public Task<DeploymentResult> DestroyAsync(CancellationToken ct = default) =>
        FromStateAsync(Operation.Destroy, (state, calls, result, _) => DestroyRun.RunAsync(state, calls, options.Parallel, result), ct);

    private Task<DeploymentResult> UpdateAsync(bool preview, DeploymentPlan? plan, CancellationToken ct) =>
        RunAsync(preview ? Operation.Preview : Operation.Update, async (project, program, config, state, session, result, redactor) =>
        {
            PendingOperationsAtStart.Apply(state, result.Operation, result);
            var host = program is null ? LanguageHosts.For(project.Runtime)
                ?? throw new HarnessException($"speck-engine runs programs with runtime yaml, nodejs or dotnet, not '{project.Runtime}'") : null;
            // pulumi-yaml type-checks the program against the schema before it registers anything.
            var schema = program is null ? null : await session.GetSchemaAsync(ct);
            var typeErrors = program is null ? [] : SchemaCheck.Errors(program, schema!);
            if (typeErrors.Count > 0) throw new HarnessException("the program does not type-check against the provider's schema:\n" + string.Join("\n", typeErrors));
            var oldProvider = state.Snapshot().FirstOrDefault(r => r.Type == ProviderSession.ProviderType);
            var provider = await session.ConfigureFromProgramAsync(config.Provider, oldProvider, preview, ct);
            if (!preview)
            {
                // The default provider is a resource too: unchanged, its same step writes no checkpoint.
                if (oldProvider is null) state.Add(provider); else state.SwapSame(oldProvider, provider);
            }
            if (preview) result.Plan = new DeploymentPlan();
            var gate = preview ? new PlanGate(result.Plan!, checking: false) : plan is null ? null : new PlanGate(plan, checking: true);
            var run = new UpdateRun(project.Name, options, state, session, $"{provider.Urn}::{provider.Id}", preview, result, redactor, gate, ct);
            if (program is not null)
            {
                var values = config.ProgramValues(program);
                redactor.Learn(values);
                // pulumi-yaml registers a type the schema marks isComponent as a remote component (run.go:2025-2067
                // (pulumi-yaml v1.38.1)); its Construct needs a resource monitor to register through.
                var components = SchemaCheck.ComponentTypes(schema!);
                await using var monitor = program.Resources.Any(r => components.Contains(r.Type))
                    ? await MonitorServer.StartAsync(new MonitorSession(run, program.Directory), ct) : null;
                if (monitor is not null)
                {
                    var (hostConfig, secretKeys) = config.ForLanguageHost();
                    run.Construction = new ConstructInfo(monitor.Address, hostConfig, secretKeys);
                }
                await run.FinishAsync(await new YamlEvaluator(program, values, run, components).RunAsync());
            }
            else
            {
                var (hostConfig, secretKeys) = config.ForLanguageHost();
                var info = new ProgramRunInfo
                {
                    MonitorAddress = "", EngineAddress = session.Engine.Address, Project = project.Name, Stack = options.Stack,
                    RootDirectory = project.Directory, ProgramDirectory = project.Directory, EntryPoint = project.Main,
                    DryRun = preview, Parallel = options.Parallel, Config = hostConfig, ConfigSecretKeys = secretKeys,
                    RuntimeOptions = project.RuntimeOptions,
                };
                await ProgramRun.RunAsync(host!, info, run, result, redactor, options.Out, ct);
            }
            // A program that logged an error (then bailed) failed: its stack outputs are not the stack's.
            var programFailed = program is null && (result.Bailed || session.Engine.Entries.Any(e => e.Severity == LogSeverityLevel.Error));
            if (!preview && result.Succeeded && !programFailed)
            {
                state.Outputs = result.Outputs;
                state.Save();
            }
        }, ct);

    private Task<DeploymentResult> FromStateAsync(Operation op, Func<StateFile, ResourceCalls, DeploymentResult, Redactor, Task> body, CancellationToken ct) =>
        RunAsync(op, async (_, _, _, state, session, result, redactor) =>
        {
            var provider = state.Snapshot().FirstOrDefault(r => r.Type == ProviderSession.ProviderType);
            if (provider is null) return;
            PendingOperationsAtStart.Apply(state, op, result);
            await session.ConfigureFromStateAsync(provider, ct);
            await body(state, new ResourceCalls(session, ct), result, redactor);
        }, ct);

    private async Task<DeploymentResult> RunAsync(Operation op,
        Func<ProjectFile, YamlProgram?, StackConfig, StateFile, ProviderSession, DeploymentResult, Redactor, Task> body, CancellationToken ct)
    {
        var result = new DeploymentResult(op, options.Stack);
        var redactor = new Redactor();
        var log = new GrpcCallLog(options.GrpcLogPath, redactor);
        ProviderSession? session = null;
        StateFile? state = null;
        try
        {
            var project = ProjectFile.Load(options.ProgramDirectory);
            var program = project.Runtime == "yaml" ? YamlProgram.Load(options.ProgramDirectory) : null;
            var config = StackConfig.Load(project.Directory, project.Name, options.Stack, options.Passphrase);
            redactor.Learn(config.Provider);
            redactor.Learn(config.Program);
            state = StateFile.Load(options.ProgramDirectory, options.Stack);
            state.SkipCheckpoints = options.SkipCheckpoints;
            foreach (var r in state.Snapshot()) { redactor.Learn(r.Inputs); redactor.Learn(r.Outputs); }
            session = await ProviderSession.StartAsync(options, project.Name, config.Provider, log, redactor, Interlocked.Increment(ref _processes), ct);
            await body(project, program, config, state, session, result, redactor);
        }
        catch (HarnessException e)
        {
            result.Errors.Add(e.Message);
        }
        catch (RpcException e)
        {
            result.Errors.Add($"provider call failed: {e.StatusCode}: {redactor.Redact(e.Status.Detail)}");
        }
        finally
        {
            // Without checkpoints the state reaches the disk here, however the operation ended (as the CLI writes its final snapshot).
            if (state is { SkipCheckpoints: true } && op != Operation.Preview) state.Save();
            result.CheckpointWrites = state?.Writes ?? 0;
            if (session is not null)
            {
                result.Logs.AddRange(session.Engine.Entries.Where(e => !e.Ephemeral));
                result.StatusLines.AddRange(session.Engine.Entries.Where(e => e.Ephemeral));
                result.ProviderUsage = session.Provider.Usage();
                await session.DisposeAsync();
                result.ProviderStderr = session.Provider.Stderr;
            }
            result.Calls.AddRange(log.Calls);
        }
        foreach (var e in result.Logs.Where(l => l.Severity == LogSeverityLevel.Error))
            result.Errors.Add($"{e.Urn}: {redactor.Redact(e.Message)}");
        if (result.Bailed && result.Errors.Count == 0) result.Errors.Add("the program exited with code 32 (error already reported) but logged no error");
        return result;
    }
}

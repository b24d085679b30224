using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Grpc.Core;
using Speck.Harness.Program;
using Speck.Harness.Protocol;
using Speck.Harness.State;

namespace Speck.Harness.Deployment;

/// <summary>
/// The step planner of a preview or an update (docs/pulumi-calls.md §Preview to §Replace): whoever runs the program
/// (the YAML evaluator, or the resource monitor for a program in another language) hands it one
/// <see cref="Registration"/> at a time, each once the resources it refers to are done; it runs that resource's steps
/// (at most <c>--parallel</c> at once) and answers with the outcome. When the program ends, <see cref="FinishAsync"/>
/// deletes, in an update, the resources the program no longer registered and the old halves of create-before-delete
/// replacements, in reverse dependency order. The first failure stops new steps from starting.
/// </summary>
internal sealed partial class UpdateRun(
    string project, StackOptions options, StateFile state, ProviderSession session, string providerRef,
    bool preview, DeploymentResult result, Engine.Redactor redactor, PlanGate? plan, CancellationToken ct)
{
    private readonly ConcurrentDictionary<string, Registration> _registered = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _parallel = new(options.Parallel);
    private readonly ResourceCalls _calls = new(session, ct);
    private readonly IReadOnlyList<ResourceState> _old = state.Snapshot();
    private readonly AliasResolution _aliases = new(options.Stack, project, state.Snapshot());
    private readonly Lock _resultLock = new();
    private readonly ConcurrentDictionary<string, bool> _deletedAhead = new();
    private volatile bool _stopped;

    public bool Preview => preview;

    /// <summary>True once a step failed: the engine cancels the deployment and starts no more steps.</summary>
    public bool Stopped => _stopped;

    public string RootStackUrn => Urns.Of(options.Stack, project, Urns.RootStackType, $"{project}-{options.Stack}");

    /// <summary>
    /// The URN of a resource: its parent's qualified type joins the type, unless the parent is the root stack
    /// (Deployment.generateURN, pkg/resource/deploy/deployment.go:796-805 (pulumi v3.259.0)).
    /// </summary>
    public string UrnOf(string type, string name, string? parent) =>
        Urns.Of(options.Stack, project, string.IsNullOrEmpty(parent) || Urns.QualifiedType(parent) == Urns.RootStackType
            ? type : $"{Urns.QualifiedType(parent)}${type}", name);

    /// <summary>One registration: its steps, or Skipped once the deployment stopped. Never throws for a step's failure.</summary>
    /// <summary>The options of the resource registered as <paramref name="urn"/> in this deployment (the engine's goal for it), if any.</summary>
    public ResourceOptions? GoalOptions(string urn) => urn.Length > 0 && _registered.TryGetValue(urn, out var goal) ? goal.Options : null;

    public async Task<Registered> RegisterAsync(Registration r)
    {
        var urn = UrnOf(r.Type, r.Name, r.Parent);
        // A remote component goes to Construct, not the step generator: its URN is claimed when Construct registers it.
        if (r.Remote) return await ConstructAsync(urn, r);
        // generateURN: a URN seen twice in one deployment is an error (step_generator.go:277-288 (pulumi v3.259.0)).
        if (!_registered.TryAdd(urn, r)) return Failed(urn, r, $"Duplicate resource URN '{urn}'; try giving it a unique name");
        // The old state, by URN or alias; a conflicting alias makes the resource invalid and the deployment bails
        // (step_generator.go:655-712, 1473-1477 (pulumi v3.259.0)). The engine's Check runs before it bails; here none does.
        var found = _aliases.Resolve(urn, r.Name, r.Type, r.Parent, r.Options.Aliases, _registered.ContainsKey);
        if (found.Errors.Count > 0)
        {
            foreach (var error in found.Errors.SkipLast(1)) Fail($"{urn}: {error}");
            return Failed(urn, r, found.Errors[^1]);
        }
        if (!r.Custom) return Component(urn, r, found);
        return await StepAsync(urn, r, r.Version, r.Inputs, async () =>
        {
            var old = found.Old;
            // A read (external) resource the program now manages is created anew, and the read one discarded at
            // the end: create-replacement, then replace (step_generator.go:1508-1522 (pulumi v3.259.0)).
            var wasExternal = old is { External: true };
            var step = new ResourceSteps(_calls, state, preview, r, urn, r.Inputs, providerRef, wasExternal ? null : old, plan)
            {
                DeletedAhead = _deletedAhead.ContainsKey(urn),
                AliasUrn = found.AliasUrn,
                DeleteReplacedDependents = () => DeleteReplacedDependentsAsync(urn),
                Warn = w => { lock (_resultLock) result.Warnings.Add(redactor.Redact(w)); },
            };
            var (outcome, outputs, id) = await step.RunAsync();
            if (wasExternal && outcome.Kind == StepKind.Create)
            {
                outcome = outcome with { Kind = StepKind.Replace };
                if (!preview) state.Swap(old!, old! with { Delete = true });
            }
            if (outcome.Kind is not (StepKind.Failed or StepKind.Skipped)) Settled(urn, id, outputs, custom: true);
            Add(outcome);
            if (outcome.Kind == StepKind.Failed) Fail(outcome.Error!);
            redactor.Learn(outputs);
            return new Registered(urn, id, outputs, outcome.Kind) { Complete = !preview || outcome.Kind is StepKind.Same };
        });
    }

    /// <summary>
    /// One custom resource's step under the deployment's rules: skipped once the deployment stopped, the provider
    /// version held to the binary's, at most the parallelism at once, and whatever goes wrong answered to the program
    /// as the resource's failure (the deployment then stops).
    /// </summary>
    private async Task<Registered> StepAsync(string urn, Registration r, string version, JsonObject inputs, Func<Task<Registered>> step)
    {
        try
        {
            if (_stopped) return Skip(urn, r.Type, r.Name);
            if (version.Length > 0 && version != session.Provider.Version)
                throw new HarnessException($"the program asks for version {version} of the provider; speck-engine runs {session.Provider.Version}");
            redactor.Learn(inputs);
            await _parallel.WaitAsync(ct);
            try
            {
                if (_stopped) return Skip(urn, r.Type, r.Name);
                return await step();
            }
            finally
            {
                _parallel.Release();
            }
        }
        catch (Exception e)
        {
            return Failed(urn, r, FailureText(e));
        }
    }

    /// <summary>A resource the program could not register (a bad reference, a failed dependency's dependent).</summary>
    /// <summary>What a step's failure tells the user: a provider's error as the engine words it, secrets redacted.</summary>
    private string FailureText(Exception e) => e switch
    {
        RpcException rpc => $"{rpc.StatusCode}: {redactor.Redact(ProviderError.From(rpc).Message)}",
        HarnessException => e.Message,
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    public Registered Failed(string urn, Registration r, string message)
    {
        message = $"{urn}: {message}";
        Add(new ResourceStep(urn, r.Type, r.Name, StepKind.Failed) { Error = message });
        Fail(message);
        return new Registered(urn, "", new JsonObject(), StepKind.Failed);
    }

    public Registered Skip(string urn, string type, string name)
    {
        Add(new ResourceStep(urn, type, name, StepKind.Skipped));
        return new Registered(urn, "", new JsonObject(), StepKind.Skipped);
    }

    /// <summary>
    /// A component (the root stack, or any non-custom resource) has no provider: the engine records it with no
    /// inputs' steps, a create when new and a same when in the state (step_generator.go, GenerateSteps for
    /// !goal.Custom (pulumi v3.259.0)); its outputs come later, from RegisterResourceOutputs.
    /// </summary>
    private Registered Component(string urn, Registration r, AliasResolution.Found found)
    {
        var old = found.Old is { Custom: false } ? found.Old : null;
        var kind = old is null ? StepKind.Create : StepKind.Same;
        Add(new ResourceStep(urn, r.Type, r.Name, kind));
        var entry = new ResourceState
        {
            Urn = urn, Type = r.Type, Custom = false, Inputs = r.Inputs, Outputs = old?.Outputs ?? new JsonObject(),
            Dependencies = r.Dependencies, Protect = r.Options.Protect, RetainOnDelete = r.Options.RetainOnDelete, Parent = NullIfRoot(r.Parent, urn),
            PropertyDependencies = Registration.Complete(r.Inputs, r.Dependencies, r.PropertyDependencies),
            Aliases = found.AliasUrn is { } alias ? [alias] : [],
        };
        if (!preview)
        {
            if (old is null) state.Add(entry); else state.SwapSame(old, entry);
        }
        Settled(urn, "", entry.Outputs, custom: false);
        return new Registered(urn, "", new JsonObject(), kind);
    }

    private static string? NullIfRoot(string? parent, string urn) => string.IsNullOrEmpty(parent) || parent == urn ? null : parent;

    /// <summary>RegisterResourceOutputs for a component: its outputs go to its state entry (the root stack's are the stack outputs).</summary>
    public void ComponentOutputs(string urn, JsonObject outputs)
    {
        redactor.Learn(outputs);
        if (_news.TryGetValue(urn, out var settled)) _news[urn] = settled with { Outputs = outputs };
        if (preview || state.Find(urn) is not { Custom: false } entry) return;
        state.Swap(entry, entry with { Outputs = outputs });
    }

    private void Add(ResourceStep step)
    {
        lock (_resultLock) result.Steps.Add(step);
    }

    public void Fail(string message)
    {
        _stopped = true;
        lock (_resultLock) result.Errors.Add(message);
    }

    /// <summary>
    /// The end of the program: deletes (an update) or their preview, then the stack outputs, checked against the plan.
    /// </summary>
    public async Task FinishAsync(JsonObject outputs)
    {
        if (!preview && !_stopped) await DeleteLeftoversAsync();
        else if (preview) ReportPreviewDeletes();
        if (result.Errors.Count == 0) result.Outputs = outputs;
        if (result.Errors.Count == 0 && plan is not null) PlanStackOutputs();
        if (result.Errors.Count == 0 && plan is { Checking: true })
            foreach (var unfinished in plan.Plan.Unfinished(_old)) Fail(unfinished);
    }

    /// <summary>
    /// The stack's outputs are the root stack resource's RegisterResourceOutputs: the preview records their diff, an
    /// update held to the plan checks it (checkOutputs, pkg/resource/deploy/plan.go:529-537; step_executor.go:270-279 (pulumi v3.259.0)).
    /// </summary>
    private void PlanStackOutputs()
    {
        var planned = PlanDiff.Of(state.Outputs, result.Outputs);
        if (!plan!.Checking) { plan.Plan.OutputDiff = planned; return; }
        if (DeploymentPlan.CheckDiff(state.Outputs, result.Outputs, plan.Plan.OutputDiff ?? PlanDiff.Empty) is { } error)
            Fail($"{RootStackUrn}: resource violates plan: {error}");
    }

    /// <summary>
    /// Before <paramref name="replacedUrn"/> is deleted to be replaced, the engine finds its dependents (in the old
    /// state) that will be replaced too: it diffs each custom one with the inputs whose recorded property dependencies
    /// name a replaced resource unknown, and deletes those whose diff says replace first, dependents before
    /// dependencies. They are created again when the program registers them (docs/pulumi-calls.md §Replace;
    /// calculateDependentReplacements, step_generator.go:3268-3377 (pulumi v3.259.0)).
    /// </summary>
    private async Task<string?> DeleteReplacedDependentsAsync(string replacedUrn)
    {
        var replaceSet = new HashSet<string>(StringComparer.Ordinal) { replacedUrn };
        var doomed = new List<ResourceState>();
        var dependents = _old.Where(o => !o.Delete && o.Dependencies.Contains(replacedUrn)).ToList();
        while (dependents.Count > 0)
        {
            var next = new List<ResourceState>();
            foreach (var d in dependents)
            {
                // Neither components, external resources nor the provider are replaced this way (requiresReplacement, :3297-3300).
                if (!d.Custom || d.External || d.Type == ProviderSession.ProviderType || doomed.Contains(d)) continue;
                var news = d.Inputs.DeepClone().AsObject();
                var hasDependencyInReplaceSet = false;
                foreach (var (key, _) in d.Inputs)
                    if (d.PropertyDependencies.TryGetValue(key, out var deps) && deps.Any(replaceSet.Contains))
                    {
                        news[key] = Sig.Unknown;
                        hasDependencyInReplaceSet = true;
                    }
                if (!hasDependencyInReplaceSet) continue;
                // Diffed with the ignoreChanges and replaceOnChanges the state holds (step_generator.go:3366-3377 (pulumi v3.259.0)).
                var diff = await _calls.DiffAsync(d.Urn, d.Type, d.Id, d.Outputs, d.Inputs, news, d.IgnoreChanges);
                var (_, replaces, changes) = ResourceCalls.Interpret(diff, d.Inputs, news, d.IgnoreChanges);
                if (!replaces && !changes.Any(c => d.ReplaceOnChanges.Any(p => p == "*" || c.Path == p || c.Path.StartsWith(p + ".", StringComparison.Ordinal)))) continue;
                doomed.Add(d);
                replaceSet.Add(d.Urn);
                next.AddRange(_old.Where(o => !o.Delete && o.Dependencies.Contains(d.Urn)));
            }
            dependents = next;
        }
        foreach (var d in DeleteSteps.ReverseDependencyOrder(doomed))
        {
            _deletedAhead[d.Urn] = true;
            if (plan?.Op(d.Urn, Ops.DeleteReplaced) is { } planError) return $"{d.Urn}: {planError}";
            if (preview) continue;
            if (await DeleteSteps.DeleteAsync(_calls, state, d, 0) is { } error) return error;
        }
        return null;
    }

    /// <summary>
    /// Gone from the program: not registered, neither by its URN nor by a new URN that claimed it as an alias
    /// (isOperatedOn, step_generator.go:2242-2255 (pulumi v3.259.0)); or the old half of a replacement.
    /// </summary>
    private bool Leftover(ResourceState r) =>
        r.Type != ProviderSession.ProviderType && (r.Delete || !_registered.ContainsKey(_aliases.ClaimedBy(r.Urn) ?? r.Urn));

    /// <summary>
    /// Resources no longer in the program, and old halves of create-before-delete replacements: each checked against
    /// the plan (step_generator.go:2470-2492 (pulumi v3.259.0)), then deleted in parallel antichains; components
    /// the program no longer registers leave the state with no provider call.
    /// </summary>
    private async Task DeleteLeftoversAsync()
    {
        var current = state.Snapshot();
        // With the managed resources whose URN a read took (GenerateDeletes, step_generator.go:2328-2540 (pulumi v3.259.0)).
        var doomed = current.Where(r => r.Custom && Leftover(r)).Concat(_readReplaced).ToList();
        foreach (var d in doomed)
            if (plan?.Op(d.Urn, d.Delete ? Ops.DeleteReplaced : Ops.Delete) is { } planError)
            {
                Add(new ResourceStep(d.Urn, d.Type, d.Name, StepKind.Failed) { Error = $"{d.Urn}: {planError}" });
                Fail($"{d.Urn}: {planError}");
                return;
            }
        await DeleteSteps.RunAsync(doomed, current, options.Parallel,
            old => DeleteSteps.DeleteAsync(_calls, state, old, _registered.TryGetValue(old.Urn, out var r) ? r.Options.Timeouts.Delete : 0),
            (old, error) =>
            {
                if (error is null) Add(new ResourceStep(old.Urn, old.Type, old.Name, StepKind.Delete) { OfReplacement = old.Delete, External = old.External });
                else
                {
                    Add(new ResourceStep(old.Urn, old.Type, old.Name, StepKind.Failed) { Error = error });
                    Fail(error);
                }
            });
        if (_stopped) return;
        foreach (var component in state.Snapshot().Where(r => !r.Custom && Leftover(r)))
        {
            state.Remove(component);
            Add(new ResourceStep(component.Urn, component.Type, component.Name, StepKind.Delete));
        }
    }

    /// <summary>What the update would delete: resources gone from the program, and the old halves of create-before-delete replacements.</summary>
    private void ReportPreviewDeletes()
    {
        List<ResourceStep> replaced;
        lock (_resultLock) replaced = result.Steps.Where(s => s.Kind == StepKind.Replace && !s.DeleteBeforeReplace).ToList();
        foreach (var old in _old.Where(r => r.Custom && r.Type != ProviderSession.ProviderType && !r.Delete && replaced.Any(s => s.Urn == r.Urn)))
            plan?.Op(old.Urn, Ops.DeleteReplaced);
        foreach (var old in _readReplaced) plan?.Op(old.Urn, Ops.DeleteReplaced);
        var removed = _old.Where(r => r.Custom && Leftover(r)).ToList();
        foreach (var old in DeleteSteps.ReverseDependencyOrder(removed))
        {
            plan?.Op(old.Urn, old.Delete ? Ops.DeleteReplaced : Ops.Delete);
            if (!old.Delete) Add(new ResourceStep(old.Urn, old.Type, old.Name, StepKind.Delete) { External = old.External });
        }
        foreach (var component in _old.Where(r => !r.Custom && Leftover(r)))
            Add(new ResourceStep(component.Urn, component.Type, component.Name, StepKind.Delete));
    }
}

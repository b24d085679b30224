using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Speck.Host.Schema;
using Speck.Host.Values;

namespace Speck.Host.Resources;

/// <summary>Collects Check failures with the path of the property they concern.</summary>
public sealed class CheckContext(ResourceContext resource, PropertyMap news)
{
    public List<CheckFailureInfo> Failures { get; } = [];
    public ResourceContext Resource { get; } = resource;
    public PropertyMap News { get; } = news;

    /// <summary>Warnings reach the user in preview, before anything is deployed, without failing the check.</summary>
    public List<string> Warnings { get; } = [];

    public void Fail(string property, string reason) => Failures.Add(new(property, reason));

    public void Warn(string message) => Warnings.Add(message);
}

/// <summary>A diff in the making: resources adjust what the generic comparison of inputs found.</summary>
public sealed class DiffContext<TArgs, TState>(ResourceContext resource, TState? oldState, TArgs? newArgs, PropertyMap news, Dictionary<string, DiffKind> detailed)
{
    public ResourceContext Resource { get; } = resource;
    /// <summary>The recorded outputs, or null when they no longer fit the type (state from an older schema).</summary>
    public TState? OldState { get; } = oldState;
    /// <summary>The new inputs; values unknown in preview are null here (see <see cref="IsUnknown"/>).</summary>
    public TArgs? NewArgs { get; } = newArgs;
    public PropertyMap News { get; } = news;
    /// <summary>The old inputs the comparison started from (after an import: the ones Read returned).</summary>
    public PropertyMap OldInputs { get; init; } = PropertyMap.Empty;
    public Dictionary<string, DiffKind> Detailed { get; } = detailed;
    public bool DeleteBeforeReplace { get; set; }

    public bool IsUnknown(string property) => News.Get(property)?.ContainsUnknowns == true;
}

/// <summary>
/// A custom resource written against plain C# records, like pulumi-go-provider's infer package:
/// <typeparamref name="TArgs"/> are the inputs, <typeparamref name="TState"/> the outputs (inputs plus what the
/// provider learns). The base class does the property-value work; subclasses do Check/Diff/CRUD in their own terms.
/// Outputs repeat the inputs, as every well-kept provider's do: pulumi-yaml type-checks <c>${res.prop}</c> against
/// the schema's output properties, exported resources and stack policies see only outputs, and the state keeps one
/// shape (after a rolled-back update the repeated inputs say what really runs).
/// </summary>
public abstract class CustomResource<TArgs, TState> : IResourceHandler
    where TArgs : class
    where TState : class, TArgs
{
    private readonly JsonTypeInfo<TArgs> _args;
    private readonly JsonTypeInfo<TState> _state;
    private readonly JsonTypeInfo<TArgs> _lenientArgs;
    private readonly JsonTypeInfo<TState> _lenientState;
    protected CustomResource(string token, string description, TypeContracts contracts)
    {
        Token = token;
        Description = description;
        _args = contracts.Strict<TArgs>();
        _state = contracts.Strict<TState>();
        _lenientArgs = contracts.Lenient<TArgs>();
        _lenientState = contracts.Lenient<TState>();
        Inputs = contracts.Shapes.Object(typeof(TArgs), token);
        Outputs = contracts.Shapes.Object(typeof(TState), token);
    }

    public string Token { get; }
    public string Description { get; }
    public ObjectShape Inputs { get; }
    public ObjectShape Outputs { get; }

    /// <summary>Fill in defaults on the raw inputs (kept as values so secrets and unknowns pass through).</summary>
    protected virtual PropertyMap ApplyDefaults(PropertyMap news, ResourceContext ctx) => news;

    /// <summary>Defaults that may keep what the old inputs hold (Check's <paramref name="olds"/>; empty for a new resource).</summary>
    protected virtual PropertyMap ApplyDefaults(PropertyMap news, PropertyMap olds, ResourceContext ctx) => ApplyDefaults(news, ctx);
    protected virtual void Validate(TArgs args, CheckContext check) { }
    protected virtual void CustomizeDiff(DiffContext<TArgs, TState> diff) { }

    /// <summary>
    /// The ID an import records: the engine takes the one Read answers (step.go:2070-2074 (pulumi v3.259.0), see
    /// docs/import.md), so an import ID that says more than the resource's own ID (where its site is) need not stay.
    /// </summary>
    protected virtual string ImportedId(string importId, TState state) => importId;

    /// <summary>
    /// Where the resource lives, as its failures name it (e.g. <c>site 'edge'</c>): a failure of Create, Read,
    /// Update or Delete that does not name it yet gets it in front, so the user reads which site failed. Null names nothing.
    /// </summary>
    protected virtual string? Place(TArgs args) => null;

    /// <summary>
    /// What a preview Update answers for the outputs the provider learns: recomputed from the new inputs, or named
    /// unknown. The engine hands these to the program, so an old value kept here where <c>up</c> will make another
    /// hides from the preview every dependent that <c>up</c> then changes. By default every learned output is unknown.
    /// </summary>
    protected virtual PreviewOutputs<TState> PreviewUpdate(TState olds, TArgs news, Func<string, bool> isUnknown) =>
        new(olds, Outputs.Properties.Select(p => p.Name).Where(n => Inputs.Find(n) is null).ToHashSet());

    /// <summary>
    /// <see cref="PreviewUpdate"/> for a resource whose preview may read what it manages (to tell the user what
    /// <c>up</c> will do, or to refuse an update that cannot work) and log it. A <see cref="ProviderException"/>
    /// fails the preview with its message.
    /// </summary>
    protected virtual Task<PreviewOutputs<TState>> PreviewUpdateAsync(TState olds, TArgs news, Func<string, bool> isUnknown, ResourceContext ctx) =>
        Task.FromResult(PreviewUpdate(olds, news, isUnknown));
    protected abstract Task<(string Id, TState State)> CreateAsync(TArgs args, ResourceContext ctx);
    /// <summary>Null when the resource is gone. <paramref name="oldInputs"/> and <paramref name="oldState"/> are null on import.</summary>
    protected abstract Task<(TArgs Inputs, TState State)?> ReadAsync(string id, TArgs? oldInputs, TState? oldState, ResourceContext ctx);
    protected abstract Task<TState> UpdateAsync(string id, TState olds, TArgs news, ResourceContext ctx);
    protected abstract Task DeleteAsync(string id, TState olds, ResourceContext ctx);

    public async Task<CheckOutcome> CheckAsync(ResourceContext ctx, PropertyMap olds, PropertyMap news)
    {
        var wired = new List<string>();
        var failures = new List<CheckFailureInfo>();
        var inputs = ApplyDefaults(WiredStrings.Expand(Inputs, news, wired, failures), olds, ctx);
        failures.AddRange(ShapeValidator.Validate(Inputs, inputs).Where(f => !failures.Any(w => w.Property == f.Property)));
        // The resource's own rules still judge the well-formed properties, so one Check names every bad one.
        var malformed = failures.Select(f => f.Property.Split('.', '[')[0]).ToHashSet();
        var wellFormed = new PropertyMap(inputs.Where(kv => !malformed.Contains(kv.Key)));
        var check = new CheckContext(ctx, wellFormed);
        check.Failures.AddRange(failures);
        try
        {
            Validate(TypedBridge.Decode(wellFormed, _lenientArgs), check);
        }
        catch (InvalidValueException e)
        {
            // Too broken to read as the args type: the shape failures say why, or else this does.
            if (failures.Count == 0) check.Fail(e.Path, e.Reason);
        }
        foreach (var warning in check.Warnings) await ctx.WarnAsync(warning);
        // The checked inputs keep each wired string as the program gave it.
        var top = wired.Select(p => p.Split('.', '[')[0]).ToHashSet();
        return new CheckOutcome(new PropertyMap(inputs.Select(kv => top.Contains(kv.Key) ? KeyValuePair.Create(kv.Key, news[kv.Key]) : kv)), check.Failures);
    }

    public Task<DiffOutcome> DiffAsync(ResourceContext ctx, PropertyMap oldOutputs, PropertyMap oldInputs, PropertyMap news, IReadOnlyList<string> ignoreChanges)
    {
        // Keys are folded where the inputs compared hold strings: the engine lays them over the inputs.
        var wired = new List<string>();
        (oldOutputs, oldInputs, news) = (WiredStrings.Expand(Outputs, oldOutputs, oldInputs.Count == 0 ? wired : null), WiredStrings.Expand(Inputs, oldInputs, wired), WiredStrings.Expand(Inputs, news, wired));
        // Old engines send no old inputs; the outputs hold them too.
        var olds = oldInputs.Count > 0 ? oldInputs : new PropertyMap(oldOutputs.Where(kv => Inputs.Find(kv.Key) is not null));
        var compared = PropertyDiffer.Compare(Inputs, olds, news, ignoreChanges, absentIsDefault: true);
        var recorded = Recorded(oldOutputs, oldInputs);
        var oldState = RecordedProblem(recorded) is null ? TryDecode(recorded, _lenientState) : null;
        var newArgs = ShapeValidator.Validate(Inputs, news).Count == 0 ? TryDecode(news, _lenientArgs) : null;
        var diff = new DiffContext<TArgs, TState>(ctx, oldState, newArgs, news, compared) { OldInputs = olds };
        try
        {
            CustomizeDiff(diff);
        }
        catch (NullReferenceException) when (Missing(recorded) is { } missing)
        {
            throw ProviderException.Precondition($"{missing}; refresh, or remove it from the state (`pulumi state delete`) and import it again");
        }
        var detailed = WiredStrings.FoldDiff(diff.Detailed, wired);
        var changed = detailed.Keys.Select(DiffOutcome.TopLevel).ToHashSet();
        var stables = Inputs.Properties.Select(p => p.Name).Where(n => !changed.Contains(n)).ToList();
        return Task.FromResult(new DiffOutcome(detailed.Count > 0, detailed, stables, diff.DeleteBeforeReplace));
    }

    public async Task<CreateOutcome> CreateAsync(ResourceContext ctx, PropertyMap inputs)
    {
        // Computed outputs left out: the engine shows them as unknown.
        var given = inputs;
        inputs = WiredStrings.Expand(Inputs, inputs);
        RequireValid(inputs);
        if (ctx.Preview) return new CreateOutcome("", given);
        var secrets = new HashSet<string>();
        var args = TypedBridge.Decode(inputs, _args, secrets);
        var (id, state) = await Guard(() => CreateAsync(args, ctx), secrets, args);
        return new CreateOutcome(id, EncodeOutputs(state, secrets));
    }

    public async Task<ReadOutcome?> ReadAsync(ResourceContext ctx, PropertyMap oldOutputs, PropertyMap oldInputs)
    {
        var secrets = new HashSet<string>();
        (oldOutputs, oldInputs) = (WiredStrings.Expand(Outputs, oldOutputs), WiredStrings.Expand(Inputs, oldInputs));
        var importing = oldOutputs.Count == 0 && oldInputs.Count == 0;
        var olds = importing ? null : RecordedState(Recorded(oldOutputs, oldInputs), secrets);
        var oldArgs = importing ? null : RecordedState(oldInputs.Count > 0 ? oldInputs : oldOutputs, secrets, _lenientArgs);
        var found = await OnRecorded(Recorded(oldOutputs, oldInputs), () => Guard(() => ReadAsync(ctx.Id, oldArgs, olds, ctx), secrets, oldArgs),
            oldInputs.Count > 0 ? oldInputs : oldOutputs);
        if (found is not { } r) return null;
        var id = importing ? ImportedId(ctx.Id, r.State) : ctx.Id;
        return new ReadOutcome(id, EncodeOutputs(r.State, secrets), WiredStrings.Collapse(Inputs, TypedBridge.Encode(r.Inputs, _args, Inputs, secrets)));
    }

    public async Task<PropertyMap> UpdateAsync(ResourceContext ctx, PropertyMap oldOutputs, PropertyMap oldInputs, PropertyMap news)
    {
        var given = news;
        (oldOutputs, oldInputs, news) = (WiredStrings.Expand(Outputs, oldOutputs), WiredStrings.Expand(Inputs, oldInputs), WiredStrings.Expand(Inputs, news));
        RequireValid(news);
        if (ctx.Preview) return await PreviewAsync(oldOutputs, oldInputs, news, given, ctx);
        var secrets = new HashSet<string>();
        var recorded = Recorded(oldOutputs, oldInputs);
        var olds = RecordedState(recorded, secrets);
        var args = TypedBridge.Decode(news, _args, secrets);
        var state = await OnRecorded(recorded, () => Guard(() => UpdateAsync(ctx.Id, olds, args, ctx), secrets, args));
        return EncodeOutputs(state, secrets);
    }

    public async Task DeleteAsync(ResourceContext ctx, PropertyMap oldOutputs, PropertyMap oldInputs)
    {
        (oldOutputs, oldInputs) = (WiredStrings.Expand(Outputs, oldOutputs), WiredStrings.Expand(Inputs, oldInputs));
        var secrets = new HashSet<string>();
        var recorded = Recorded(oldOutputs, oldInputs);
        var olds = RecordedState(recorded, secrets);
        await OnRecorded(recorded, () => Guard(async () => { await DeleteAsync(ctx.Id, olds, ctx); return 0; }, secrets, olds));
    }

    /// <summary>The preview of an Update: the new inputs, and the learned outputs as <see cref="PreviewUpdate"/> says.</summary>
    /// <param name="given">The new inputs as the engine sent them (wired strings unparsed): the outputs repeat them.</param>
    private async Task<PropertyMap> PreviewAsync(PropertyMap oldOutputs, PropertyMap oldInputs, PropertyMap news, PropertyMap given, ResourceContext ctx)
    {
        var secrets = new HashSet<string>();
        var recorded = Recorded(oldOutputs, oldInputs);
        var olds = RecordedProblem(recorded) is null ? TryDecode(recorded, _lenientState, secrets) : null;
        var args = TryDecode(news, _lenientArgs, secrets);
        var learned = Outputs.Properties.Select(p => p.Name).Where(n => Inputs.Find(n) is null).ToList();
        if (olds is null || args is null) return new PropertyMap(given.Concat(learned.Select(n => KeyValuePair.Create(n, PropertyValue.Unknown))));
        PreviewOutputs<TState> preview;
        try
        {
            preview = await PreviewUpdateAsync(olds, args, p => news.Get(p)?.ContainsUnknowns == true, ctx);
        }
        catch (NullReferenceException) when (Missing(recorded) is not null)
        {
            // Partial recorded state: what the update will learn is unknown, which a preview may say.
            return new PropertyMap(given.Concat(learned.Select(n => KeyValuePair.Create(n, PropertyValue.Unknown))));
        }
        var computed = WiredStrings.Collapse(Outputs, TypedBridge.Encode(preview.State, _state, Outputs, secrets));
        return new PropertyMap(given.Concat(learned.Select(n =>
            KeyValuePair.Create(n, preview.Unknown.Contains(n) ? PropertyValue.Unknown : computed.Get(n) ?? PropertyValue.Null))
            .Where(kv => !kv.Value.IsNull)));
    }

    /// <summary>
    /// The resource as recorded. Outputs repeat the inputs; state written by versions whose outputs did not (0.1.0's
    /// StreamJob) is joined with the recorded inputs the engine hands back.
    /// </summary>
    private PropertyMap Recorded(PropertyMap oldOutputs, PropertyMap oldInputs) =>
        oldInputs.Count == 0 || oldOutputs.Keys.Any(k => Inputs.Find(k) is not null)
            ? oldOutputs
            : new PropertyMap(oldOutputs.Concat(oldInputs.Where(kv => Inputs.Find(kv.Key) is not null)));

    /// <summary>
    /// The recorded state as the resource's record, refused (FailedPrecondition, naming the property) when it lacks
    /// what every resource of this type was recorded with, or does not fit the type: partial or hand-edited state
    /// cannot be acted on, and saying so beats failing half-way through with a null dereference.
    /// </summary>
    private TState RecordedState(PropertyMap recorded, ISet<string> secrets) => RecordedState(recorded, secrets, _lenientState);

    private T RecordedState<T>(PropertyMap recorded, ISet<string> secrets, JsonTypeInfo<T> info)
    {
        if (RecordedProblem(recorded) is { } problem)
            throw ProviderException.Precondition($"{problem}; it cannot be acted on: refresh, or remove it from the state " +
                "(`pulumi state delete`) and import it again");
        try
        {
            return TypedBridge.Decode(recorded, info, secrets);
        }
        catch (InvalidValueException e)
        {
            throw ProviderException.Precondition($"the recorded state cannot be read: property '{Excerpt.Of(e.Path)}': {e.Reason}");
        }
    }

    /// <summary>
    /// Why recorded state cannot be acted on at all (an unknown value, or a value of another kind than the schema's),
    /// or null. Missing inputs are no such reason by themselves: an imported resource lacks the inputs its engine
    /// does not report until the program supplies them (see <see cref="Missing"/>).
    /// </summary>
    private string? RecordedProblem(PropertyMap recorded)
    {
        var known = new PropertyMap(recorded.Where(kv => Outputs.Find(kv.Key) is not null));
        if (FirstUnknown(known.AsValue(), "") is { } unknown)
            return $"the recorded state holds an unknown value at '{Excerpt.Of(unknown)}'";
        // Names the schema no longer has and ranges it has since narrowed are no obstacle to acting on older state;
        // a value of another kind, or an enum member the code does not know (System.Text.Json reads "5" as one), is.
        var misfit = ShapeValidator.Validate(Outputs, known).FirstOrDefault(f =>
            f.Reason.StartsWith("expected ", StringComparison.Ordinal) || f.Reason.Contains("is not allowed; expected one of", StringComparison.Ordinal));
        return misfit is null ? null : $"the recorded state's '{Excerpt.Of(misfit.Property)}' does not fit the schema: {misfit.Reason}";
    }

    /// <summary>The inputs every resource of this type has that the recorded state lacks (partial state), or null.</summary>
    private string? Missing(PropertyMap recorded)
    {
        var inputs = new PropertyMap(recorded.Where(kv => Inputs.Find(kv.Key) is not null));
        var missing = ShapeValidator.Validate(Inputs, inputs)
            .Where(f => f.Reason.StartsWith("missing required", StringComparison.Ordinal) || f.Reason == "null is not allowed here")
            .Select(f => $"'{Excerpt.Of(f.Property)}'").Take(5).ToList();
        return missing.Count == 0 ? null : $"the recorded state has no {string.Join(", ", missing)}, which every {Token} has";
    }

    /// <summary>
    /// Runs resource code on recorded state: a null dereference there on partial state (a crash between steps, a
    /// hand-edited file) is that state's fault, said by name, not an unknown outcome.
    /// </summary>
    private async Task<T> OnRecorded<T>(PropertyMap recorded, Func<Task<T>> op, PropertyMap? recordedInputs = null)
    {
        try
        {
            return await op();
        }
        catch (NullReferenceException) when ((Missing(recorded) ?? (recordedInputs is null ? null : Missing(recordedInputs))) is { } missing)
        {
            throw ProviderException.Precondition($"{missing}; it cannot be acted on: refresh, or remove it from the state " +
                "(`pulumi state delete`) and import it again");
        }
    }

    private static string? FirstUnknown(PropertyValue v, string path) => v.Kind switch
    {
        PropertyKind.Unknown => path,
        PropertyKind.Secret => FirstUnknown(v.SecretValue, path),
        PropertyKind.Array => v.AsArray.Select((item, i) => FirstUnknown(item, $"{path}[{i}]")).FirstOrDefault(p => p is not null),
        PropertyKind.Object => v.AsObject.Select(kv => FirstUnknown(kv.Value, TypedBridge.Join(path, kv.Key))).FirstOrDefault(p => p is not null),
        _ => null,
    };

    /// <summary>
    /// Inputs the engine hands to Create or Update have passed Check; ones that would not are a client's mistake,
    /// refused (InvalidArgument, naming the property) before any resource code reads them.
    /// </summary>
    private void RequireValid(PropertyMap inputs)
    {
        if (ShapeValidator.Validate(Inputs, inputs).FirstOrDefault() is { } f)
            throw new InvalidValueException(f.Property, $"{f.Reason} (the inputs have not passed Check)");
    }

    private PropertyMap EncodeOutputs(TState state, HashSet<string> secrets) =>
        WiredStrings.Collapse(Outputs, TypedBridge.Encode(state, _state, Outputs, secrets));

    /// <summary>Runs a CRUD operation; an unhealthy resource's state is recorded with its error; a failure names the resource's <see cref="Place"/>.</summary>
    private async Task<T> Guard<T>(Func<Task<T>> op, HashSet<string> secrets, TArgs? at)
    {
        try
        {
            return await op();
        }
        catch (ResourceInitFailedException e) when (e.State is TState state)
        {
            throw new InitFailure(e.Id, EncodeOutputs(state, secrets), e.Reasons);
        }
        catch (ProviderException e) when (at is not null && Place(at) is { } place && !e.Message.Contains(place, StringComparison.Ordinal))
        {
            throw new ProviderException(e.Kind, $"{place}: {e.Message}", e);
        }
    }

    private static T? TryDecode<T>(PropertyMap map, JsonTypeInfo<T> info, ISet<string>? secrets = null) where T : class
    {
        try { return TypedBridge.Decode(map, info, secrets); }
        catch (InvalidValueException) { return null; }
    }
}

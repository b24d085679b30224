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
/// With <c>outputsRepeatInputs: false</c> the recorded outputs hold what the provider learns, and an input only where
/// what is deployed differs from the inputs the engine records with them (after a rolled-back update, say). The engine
/// hands the recorded inputs back with every Diff, Update, Read and Delete, and the base class joins the two again,
/// so subclasses still see a whole <typeparamref name="TState"/>.
/// </summary>
public abstract class CustomResource<TArgs, TState> : IResourceHandler
    where TArgs : class
    where TState : class, TArgs
{
    private readonly JsonTypeInfo<TArgs> _args;
    private readonly JsonTypeInfo<TState> _state;
    private readonly JsonTypeInfo<TArgs> _lenientArgs;
    private readonly JsonTypeInfo<TState> _lenientState;
    private readonly ObjectShape _stateShape;
    private readonly bool _outputsRepeatInputs;

    protected CustomResource(string token, string description, TypeContracts contracts, bool outputsRepeatInputs = true)
    {
        Token = token;
        Description = description;
        _args = contracts.Strict<TArgs>();
        _state = contracts.Strict<TState>();
        _lenientArgs = contracts.Lenient<TArgs>();
        _lenientState = contracts.Lenient<TState>();
        Inputs = contracts.Shapes.Object(typeof(TArgs), token);
        _stateShape = contracts.Shapes.Object(typeof(TState), token);
        _outputsRepeatInputs = outputsRepeatInputs;
        Outputs = outputsRepeatInputs ? _stateShape : new ObjectShape
        {
            Token = _stateShape.Token, Description = _stateShape.Description,
            Properties = _stateShape.Properties.Where(p => Inputs.Find(p.Name) is null).ToList(),
        };
    }

    public string Token { get; }
    public string Description { get; }
    public ObjectShape Inputs { get; }
    public ObjectShape Outputs { get; }

    /// <summary>Fill in defaults on the raw inputs (kept as values so secrets and unknowns pass through).</summary>
    protected virtual PropertyMap ApplyDefaults(PropertyMap news, ResourceContext ctx) => news;
    protected virtual void Validate(TArgs args, CheckContext check) { }
    protected virtual void CustomizeDiff(DiffContext<TArgs, TState> diff) { }
    protected abstract Task<(string Id, TState State)> CreateAsync(TArgs args, ResourceContext ctx);
    /// <summary>Null when the resource is gone. <paramref name="oldInputs"/> and <paramref name="oldState"/> are null on import.</summary>
    protected abstract Task<(TArgs Inputs, TState State)?> ReadAsync(string id, TArgs? oldInputs, TState? oldState, ResourceContext ctx);
    protected abstract Task<TState> UpdateAsync(string id, TState olds, TArgs news, ResourceContext ctx);
    protected abstract Task DeleteAsync(string id, TState olds, ResourceContext ctx);

    public async Task<CheckOutcome> CheckAsync(ResourceContext ctx, PropertyMap olds, PropertyMap news)
    {
        var inputs = ApplyDefaults(news, ctx);
        var failures = ShapeValidator.Validate(Inputs, inputs);
        // The resource's own rules still judge the well-formed properties, so one Check names every bad one.
        var malformed = failures.Select(f => f.Property.Split('.', '[')[0]).ToHashSet();
        var wellFormed = new PropertyMap(inputs.Where(kv => !malformed.Contains(kv.Key)));
        var check = new CheckContext(ctx, wellFormed);
        check.Failures.AddRange(failures);
        try
        {
            Validate(TypedBridge.Decode(wellFormed, _lenientArgs), check);
        }
        catch (System.Text.Json.JsonException) when (failures.Count > 0)
        {
            // Too broken to read as the args type: the shape failures say why.
        }
        foreach (var warning in check.Warnings) await ctx.WarnAsync(warning);
        return new CheckOutcome(inputs, check.Failures);
    }

    public Task<DiffOutcome> DiffAsync(ResourceContext ctx, PropertyMap oldOutputs, PropertyMap oldInputs, PropertyMap news, IReadOnlyList<string> ignoreChanges)
    {
        // Old engines send no old inputs; the outputs hold them too.
        var olds = oldInputs.Count > 0 ? oldInputs : new PropertyMap(oldOutputs.Where(kv => Inputs.Find(kv.Key) is not null));
        var detailed = PropertyDiffer.Compare(Inputs, olds, news, ignoreChanges, absentIsDefault: true);
        var diff = new DiffContext<TArgs, TState>(ctx, TryDecode(Recorded(oldOutputs, oldInputs), _lenientState), TryDecode(news, _lenientArgs), news, detailed) { OldInputs = olds };
        CustomizeDiff(diff);
        var changed = diff.Detailed.Keys.Select(DiffOutcome.TopLevel).ToHashSet();
        var stables = Inputs.Properties.Select(p => p.Name).Where(n => !changed.Contains(n)).ToList();
        return Task.FromResult(new DiffOutcome(diff.Detailed.Count > 0, diff.Detailed, stables, diff.DeleteBeforeReplace));
    }

    public async Task<CreateOutcome> CreateAsync(ResourceContext ctx, PropertyMap inputs)
    {
        // Computed outputs left out: the engine shows them as unknown.
        if (ctx.Preview) return new CreateOutcome("", _outputsRepeatInputs ? inputs : PropertyMap.Empty);
        var secrets = new HashSet<string>();
        var args = TypedBridge.Decode(inputs, _args, secrets);
        var (id, state) = await Guard(() => CreateAsync(args, ctx), args, secrets);
        return new CreateOutcome(id, EncodeOutputs(state, args, secrets));
    }

    public async Task<ReadOutcome?> ReadAsync(ResourceContext ctx, PropertyMap oldOutputs, PropertyMap oldInputs)
    {
        var secrets = new HashSet<string>();
        var importing = oldOutputs.Count == 0 && oldInputs.Count == 0;
        var olds = importing ? null : TypedBridge.Decode(Recorded(oldOutputs, oldInputs), _lenientState, secrets);
        var oldArgs = importing ? null : TypedBridge.Decode(oldInputs.Count > 0 ? oldInputs : oldOutputs, _lenientArgs, secrets);
        var found = await Guard(() => ReadAsync(ctx.Id, oldArgs, olds, ctx), oldArgs, secrets);
        if (found is not { } r) return null;
        return new ReadOutcome(ctx.Id, EncodeOutputs(r.State, r.Inputs, secrets), TypedBridge.Encode(r.Inputs, _args, Inputs, secrets));
    }

    public async Task<PropertyMap> UpdateAsync(ResourceContext ctx, PropertyMap oldOutputs, PropertyMap oldInputs, PropertyMap news)
    {
        var learned = oldOutputs.Where(kv => Inputs.Find(kv.Key) is null);
        if (ctx.Preview) return new PropertyMap(_outputsRepeatInputs ? learned.Concat(news) : learned);
        var secrets = new HashSet<string>();
        var olds = TypedBridge.Decode(Recorded(oldOutputs, oldInputs), _lenientState, secrets);
        var args = TypedBridge.Decode(news, _args, secrets);
        var state = await Guard(() => UpdateAsync(ctx.Id, olds, args, ctx), args, secrets);
        return EncodeOutputs(state, args, secrets);
    }

    public async Task DeleteAsync(ResourceContext ctx, PropertyMap oldOutputs, PropertyMap oldInputs)
    {
        var secrets = new HashSet<string>();
        if (!_outputsRepeatInputs && oldInputs.Count == 0 && Inputs.Properties.Any(p => p.Required && !oldOutputs.ContainsKey(p.Name)))
            throw ProviderException.Precondition($"the engine sent no recorded inputs with this Delete, and a {Token}'s outputs do not repeat them: use a Pulumi CLI that sends old inputs to Delete");
        var olds = TypedBridge.Decode(Recorded(oldOutputs, oldInputs), _lenientState, secrets);
        await Guard(async () => { await DeleteAsync(ctx.Id, olds, ctx); return 0; }, null, secrets);
    }

    /// <summary>
    /// The resource as recorded: outputs that hold inputs are a complete record (see <see cref="EncodeOutputs"/>);
    /// outputs without any are joined with the recorded inputs.
    /// </summary>
    private PropertyMap Recorded(PropertyMap oldOutputs, PropertyMap oldInputs) =>
        _outputsRepeatInputs || oldInputs.Count == 0 || oldOutputs.Keys.Any(k => Inputs.Find(k) is not null)
            ? oldOutputs
            : new PropertyMap(oldOutputs.Concat(oldInputs.Where(kv => Inputs.Find(kv.Key) is not null)));

    /// <summary>
    /// The outputs of <paramref name="state"/>, to be recorded next to <paramref name="recordedInputs"/>. Without
    /// repetition the outputs leave the inputs out when the state holds exactly those inputs; otherwise (what is
    /// deployed is not what the recorded inputs ask for) they carry all of the state's inputs, as a complete record.
    /// </summary>
    private PropertyMap EncodeOutputs(TState state, TArgs? recordedInputs, HashSet<string> secrets)
    {
        var all = TypedBridge.Encode(state, _state, _stateShape, secrets);
        if (_outputsRepeatInputs) return all;
        var inputs = recordedInputs is null ? null : TypedBridge.Encode(recordedInputs, _args, Inputs, new HashSet<string>(secrets));
        var same = inputs is not null && Inputs.Properties.All(p => Equals(all.Get(p.Name), inputs.Get(p.Name)));
        return same ? new PropertyMap(all.Where(kv => Inputs.Find(kv.Key) is null)) : all;
    }

    /// <summary>Runs a CRUD operation; an unhealthy resource's state is recorded next to <paramref name="recordedInputs"/>.</summary>
    private async Task<T> Guard<T>(Func<Task<T>> op, TArgs? recordedInputs, HashSet<string> secrets)
    {
        try
        {
            return await op();
        }
        catch (ResourceInitFailedException e) when (e.State is TState state)
        {
            throw new InitFailure(e.Id, EncodeOutputs(state, recordedInputs, secrets), e.Reasons);
        }
    }

    private static T? TryDecode<T>(PropertyMap map, JsonTypeInfo<T> info) where T : class
    {
        try { return TypedBridge.Decode(map, info); }
        catch (JsonException) { return null; }
    }
}

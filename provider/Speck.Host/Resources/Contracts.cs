using Speck.Host.Schema;
using Speck.Host.Values;

namespace Speck.Host.Resources;

public sealed record CheckFailureInfo(string Property, string Reason);

public sealed record CheckOutcome(PropertyMap Inputs, IReadOnlyList<CheckFailureInfo> Failures);

public enum DiffKind { Add, AddReplace, Delete, DeleteReplace, Update, UpdateReplace }

public static class DiffKinds
{
    public static bool IsReplace(this DiffKind k) => k is DiffKind.AddReplace or DiffKind.DeleteReplace or DiffKind.UpdateReplace;

    public static DiffKind AsReplace(this DiffKind k) => k switch
    {
        DiffKind.Add => DiffKind.AddReplace,
        DiffKind.Delete => DiffKind.DeleteReplace,
        DiffKind.Update => DiffKind.UpdateReplace,
        _ => k,
    };
}

/// <summary>A diff as the engine reads it; <see cref="Detailed"/> keys are property paths (<c>broker.url</c>).</summary>
public sealed record DiffOutcome(
    bool HasChanges,
    IReadOnlyDictionary<string, DiffKind> Detailed,
    IReadOnlyList<string> Stables,
    bool DeleteBeforeReplace)
{
    public IReadOnlyList<string> Replaces => Detailed.Where(kv => kv.Value.IsReplace()).Select(kv => kv.Key).ToList();
    public IReadOnlyList<string> TopLevelDiffs => Detailed.Keys.Select(TopLevel).Distinct().ToList();

    public static string TopLevel(string path)
    {
        var i = path.IndexOfAny(['.', '[']);
        return i < 0 ? path : path[..i];
    }
}

public sealed record CreateOutcome(string Id, PropertyMap Outputs);

/// <summary>
/// A preview Update's outputs: <paramref name="State"/> as the update will leave it where that is known from the new
/// inputs, and the learned output properties (top-level names) whose value only the update itself will tell.
/// </summary>
public sealed record PreviewOutputs<TState>(TState State, IReadOnlySet<string> Unknown);

public sealed record ReadOutcome(string Id, PropertyMap Outputs, PropertyMap Inputs);

/// <summary>What the protocol host needs of a resource type; <see cref="CustomResource{TArgs,TState}"/> implements it.</summary>
public interface IResourceHandler
{
    string Token { get; }
    string Description { get; }
    ObjectShape Inputs { get; }
    ObjectShape Outputs { get; }

    Task<CheckOutcome> CheckAsync(ResourceContext ctx, PropertyMap olds, PropertyMap news);
    Task<DiffOutcome> DiffAsync(ResourceContext ctx, PropertyMap oldOutputs, PropertyMap oldInputs, PropertyMap news, IReadOnlyList<string> ignoreChanges);
    Task<CreateOutcome> CreateAsync(ResourceContext ctx, PropertyMap inputs);
    Task<ReadOutcome?> ReadAsync(ResourceContext ctx, PropertyMap oldOutputs, PropertyMap oldInputs);
    Task<PropertyMap> UpdateAsync(ResourceContext ctx, PropertyMap oldOutputs, PropertyMap oldInputs, PropertyMap news);
    Task DeleteAsync(ResourceContext ctx, PropertyMap oldOutputs, PropertyMap oldInputs);
}

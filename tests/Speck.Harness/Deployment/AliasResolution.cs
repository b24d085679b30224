using Speck.Harness.State;

namespace Speck.Harness.Deployment;

/// <summary>
/// How the engine's step generator finds a registration's old state (getOldResource and the functions it calls,
/// pkg/resource/deploy/step_generator.go:545-712 (pulumi v3.259.0); docs/pulumi-engine.md §Aliases): first by the
/// URN, then by each alias in order, an alias spec collapsed into a URN with the resource's own name, type, parent,
/// project and stack for the parts it leaves empty, plus the aliases the resource inherits from a parent that was
/// itself found by an alias. An old state found by an alias is claimed by the new URN: it is not deleted at the end,
/// and a second claim on it, or a registration of the claimed URN, is an error.
/// </summary>
internal sealed class AliasResolution(string stack, string project, IReadOnlyList<ResourceState> olds)
{
    /// <summary>sg.aliased: an old URN → the new URN that claimed it.</summary>
    private readonly Dictionary<string, string> _aliased = new(StringComparer.Ordinal);

    /// <summary>sg.aliases: a new URN → the old URN it was found by.</summary>
    private readonly Dictionary<string, string> _aliases = new(StringComparer.Ordinal);

    private readonly Lock _lock = new();

    /// <summary>The old state (null: a new resource), the old URN when it was found by an alias, and the errors that make the resource invalid.</summary>
    public sealed record Found(ResourceState? Old, string? AliasUrn, IReadOnlyList<string> Errors);

    /// <summary>The new URN that claimed <paramref name="oldUrn"/> by an alias, if one did (isOperatedOn, :2242-2255).</summary>
    public string? ClaimedBy(string oldUrn)
    {
        lock (_lock) return _aliased.GetValueOrDefault(oldUrn);
    }

    /// <param name="registered">Whether a URN was registered in this deployment already (sg.urns).</param>
    public Found Resolve(string urn, string name, string type, string? parent, IReadOnlyList<ResourceAlias> aliases, Func<string, bool> registered)
    {
        // The engine's step generator takes one registration at a time; the harness's come in parallel.
        lock (_lock)
        {
            var errors = new List<string>();
            if (_aliased.TryGetValue(urn, out var claimant))
                errors.Add($"Duplicate resource URN '{urn}' conflicting with alias on resource with URN '{claimant}'"); // diag 2016, sdk/go/common/diag/errors.go:88-92
            foreach (var candidate in Generate(name, type, parent, aliases).Prepend(urn))
            {
                var old = olds.FirstOrDefault(o => o.Urn == candidate && !o.Delete);
                if (old is null) continue;
                if (candidate == urn) return new Found(old, null, errors);
                if (registered(candidate)) errors.Add(DuplicateAlias(candidate, urn, urn));
                if (_aliased.TryGetValue(candidate, out var other)) errors.Add(DuplicateAlias(candidate, urn, other));
                _aliased[candidate] = urn;
                _aliases[urn] = candidate;
                return new Found(old, candidate, errors);
            }
            return new Found(null, null, errors);
        }
    }

    /// <summary>GetDuplicateResourceAliasError (diag 2008, sdk/go/common/diag/errors.go:56-60 (pulumi v3.259.0)).</summary>
    private static string DuplicateAlias(string alias, string urn, string conflicting) =>
        $"Duplicate resource alias '{alias}' applied to resource with URN '{urn}' conflicting with resource with URN '{conflicting}'";

    /// <summary>generateAliases (:621-653): the resource's own, then those its parent's alias gives it, without repeats.</summary>
    private List<string> Generate(string name, string type, string? parent, IReadOnlyList<ResourceAlias> aliases)
    {
        var result = new List<string>();
        void Add(string alias)
        {
            if (!result.Contains(alias)) result.Add(alias);
        }
        foreach (var alias in aliases) Add(Collapse(name, type, parent, alias));
        if (!string.IsNullOrEmpty(parent) && _aliases.TryGetValue(parent, out var parentAlias))
        {
            Add(InheritedChildAlias(type, name, NameOf(parent), parentAlias));
            foreach (var alias in aliases)
            {
                var childAlias = Collapse(name, type, parent, alias);
                Add(InheritedChildAlias(TypeOf(childAlias), NameOf(childAlias), NameOf(parent), parentAlias));
            }
        }
        return result;
    }

    /// <summary>
    /// collapseAliasToUrn (:545-585): empty parts are the resource's; an alias's parent that was itself found by an
    /// alias is taken by its old URN; no parent, or the root stack, gives a top-level URN.
    /// </summary>
    private string Collapse(string name, string type, string? resourceParent, ResourceAlias alias)
    {
        if (alias.Urn.Length > 0) return alias.Urn;
        var parent = alias.Parent;
        if (parent.Length == 0) parent = resourceParent ?? "";
        else if (_aliases.TryGetValue(parent, out var parentAlias)) parent = parentAlias;
        if (alias.NoParent || (parent.Length > 0 && Urns.QualifiedType(parent) == Urns.RootStackType)) parent = "";
        return CreateUrn(alias.Name.Length > 0 ? alias.Name : name, alias.Type.Length > 0 ? alias.Type : type, parent,
            alias.Project.Length > 0 ? alias.Project : project, alias.Stack.Length > 0 ? alias.Stack : stack);
    }

    /// <summary>
    /// inheritedChildAlias (:587-619): the child's URN under its parent's old URN; a child named after its parent
    /// (<c>&lt;parent&gt;-…</c>) takes the parent's old name in place of the new one.
    /// </summary>
    private string InheritedChildAlias(string childType, string childName, string parentName, string parentAlias)
    {
        var aliasName = childName.StartsWith(parentName, StringComparison.Ordinal) ? NameOf(parentAlias) + childName[parentName.Length..] : childName;
        var parentType = Urns.QualifiedType(parentAlias);
        return Urns.Of(stack, project, parentType == Urns.RootStackType ? childType : $"{parentType}${childType}", aliasName);
    }

    /// <summary>resource.CreateURN (sdk/go/common/resource/alias.go (pulumi v3.259.0)): under a parent, the parent's URN up to its name.</summary>
    public static string CreateUrn(string name, string type, string parent, string project, string stack) =>
        parent.Length == 0 ? Urns.Of(stack, project, type, name) : $"{parent[..parent.LastIndexOf("::", StringComparison.Ordinal)]}${type}::{name}";

    /// <summary>URN.Name: everything after the third <c>::</c> (sdk/go/common/resource/urn/urn.go:185-187).</summary>
    public static string NameOf(string urn) => string.Join("::", urn.Split("::").Skip(3));

    /// <summary>URN.Type: the last type of the qualified type (urn.go:176-182).</summary>
    public static string TypeOf(string urn)
    {
        var qualified = Urns.QualifiedType(urn);
        return qualified[(qualified.LastIndexOf('$') + 1)..];
    }
}

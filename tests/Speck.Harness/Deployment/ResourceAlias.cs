using Pulumirpc;
using Speck.Harness.Program;

namespace Speck.Harness.Deployment;

/// <summary>
/// An earlier identity of a resource, as the engine holds it once it parsed a registration (resource.Alias,
/// sdk/go/common/resource/alias.go (pulumi v3.259.0)): an old URN, or the parts of the old URN that differ, an empty
/// part meaning the resource's current one (<see cref="AliasResolution"/> collapses it into a URN).
/// </summary>
public sealed record ResourceAlias
{
    public string Urn { get; init; } = "";
    public string Name { get; init; } = "";
    public string Type { get; init; } = "";
    public string Project { get; init; } = "";
    public string Stack { get; init; } = "";

    /// <summary>The old parent's URN; empty for the current parent, unless <see cref="NoParent"/>.</summary>
    public string Parent { get; init; } = "";

    /// <summary>The resource had no parent (was top-level).</summary>
    public bool NoParent { get; init; }

    /// <summary>
    /// A registration's aliases as the resource monitor reads them (source_eval.go:2330-2347 (pulumi v3.259.0)): each
    /// of <c>aliasURNs</c> as an URN alias, then <c>aliases</c>, corrected from the old Node.js way of sending
    /// parents when the request does not say <c>aliasSpecs</c> and comes from Node.js (requestFromNodeJS, :2157-2176).
    /// </summary>
    internal static List<ResourceAlias> FromRequest(RegisterResourceRequest r, bool fromNodeJs)
    {
        var messages = r.AliasURNs.Select(u => new Alias { Urn = u }).ToList();
        var correct = !r.AliasSpecs && fromNodeJs;
        messages.AddRange(r.Aliases.Select(a => correct ? NodeJsCompat(a) : a));
        return messages.Select(Parse).ToList();
    }

    /// <summary>
    /// One message parsed as the engine does (source_eval.go:2596-2629 (pulumi v3.259.0)): a spec's parent may be an
    /// empty URN (the current parent), else must be a URN; an URN alias must be one.
    /// </summary>
    internal static ResourceAlias Parse(Alias a)
    {
        if (a.AliasCase != Alias.AliasOneofCase.Spec)
            return new ResourceAlias { Urn = ValidUrn(a.Urn) is { } error ? throw new HarnessException($"invalid alias URN: {error}") : a.Urn };
        var spec = a.Spec;
        var alias = new ResourceAlias { Name = spec.Name, Type = spec.Type, Stack = spec.Stack, Project = spec.Project };
        return spec.ParentCase switch
        {
            Alias.Types.Spec.ParentOneofCase.ParentUrn when spec.ParentUrn.Length > 0 && ValidUrn(spec.ParentUrn) is { } error =>
                throw new HarnessException($"invalid parent alias URN: {error}"),
            Alias.Types.Spec.ParentOneofCase.ParentUrn => alias with { Parent = spec.ParentUrn },
            Alias.Types.Spec.ParentOneofCase.NoParent => alias with { NoParent = spec.NoParent },
            _ => alias,
        };
    }

    /// <summary>urn.Parse (sdk/go/common/resource/urn/urn.go:59-69, 106-114 (pulumi v3.259.0)): its error, or null.</summary>
    private static string? ValidUrn(string urn) =>
        urn.Length == 0 ? "missing required URN"
        : urn.StartsWith("urn:pulumi:", StringComparison.Ordinal) && urn.Split("::").Length >= 4 ? null
        : $"invalid URN \"{urn}\"";

    /// <summary>
    /// transformAliasForNodeJSCompat (source_eval.go:2178-2224 (pulumi v3.259.0)): old Node.js SDKs sent an empty
    /// parent URN for "no parent" and <c>noParent</c> for "the current parent"; the engine swaps them back.
    /// </summary>
    private static Alias NodeJsCompat(Alias a)
    {
        if (a.AliasCase != Alias.AliasOneofCase.Spec) return a;
        var spec = new Alias.Types.Spec { Name = a.Spec.Name, Type = a.Spec.Type, Stack = a.Spec.Stack, Project = a.Spec.Project };
        switch (a.Spec.ParentCase)
        {
            case Alias.Types.Spec.ParentOneofCase.ParentUrn when a.Spec.ParentUrn.Length == 0: spec.NoParent = true; break;
            case Alias.Types.Spec.ParentOneofCase.ParentUrn: spec.ParentUrn = a.Spec.ParentUrn; break;
            case Alias.Types.Spec.ParentOneofCase.NoParent when a.Spec.NoParent: break;
            case Alias.Types.Spec.ParentOneofCase.NoParent: spec.NoParent = false; break;
            default: spec.NoParent = true; break;
        }
        return new Alias { Spec = spec };
    }

    /// <summary>
    /// The alias as the engine sends it to a provider's Construct (provider_plugin.go:2125-2147 (pulumi v3.259.0)):
    /// an URN alias as its URN; a spec with <c>noParent</c> when set, else the parent URN when there is one.
    /// </summary>
    internal Alias ToMessage()
    {
        if (Urn.Length > 0) return new Alias { Urn = Urn };
        var spec = new Alias.Types.Spec { Type = Type, Name = Name, Stack = Stack, Project = Project };
        if (NoParent) spec.NoParent = true;
        else if (Parent.Length > 0) spec.ParentUrn = Parent;
        return new Alias { Spec = spec };
    }
}

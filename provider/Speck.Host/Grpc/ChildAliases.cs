using Pulumirpc;
using Speck.Host.Resources;

namespace Speck.Host.Grpc;

/// <summary>
/// The aliases of a constructed component and of each child it registers, as a Node.js SDK provider gives them
/// (pulumi v3.259.0; docs/pulumi-engine.md §Aliases): Construct's <c>aliases</c> become the component's
/// (sdk/nodejs/provider/server.ts:412-438), each collapsed into a URN with the component's name, type, parent,
/// project and stack for what it leaves out (collapseAliasToUrn and createUrn, sdk/nodejs/resource.ts:40-67, 725-750);
/// a child inherits one alias per component alias, its URN under the component's old URN, and a child named
/// <c>&lt;component&gt;-…</c> takes the component's old name in place of the new one (inheritedChildAlias and
/// allAliases, resource.ts:70-148). So a renamed component with an alias to its old name keeps every child.
/// All are sent as URNs (<c>aliasURNs</c>), which every engine reads, as that SDK sends them to a monitor without
/// alias specs (sdk/nodejs/runtime/resource.ts:619-629, 1079-1085); the engine, finding the component by its alias,
/// would also give the children the same aliases itself (step_generator.go:587-653).
/// </summary>
internal sealed class ChildAliases
{
    private readonly ConstructRequest _request;

    private ChildAliases(ConstructRequest request) =>
        (_request, Component) = (request, request.Aliases.Select(a => Collapse(a, request)).Distinct(StringComparer.Ordinal).ToList());

    /// <summary>The component's own aliases, as URNs.</summary>
    public IReadOnlyList<string> Component { get; }

    /// <summary>The request's aliases; one that is not a URN (the engine sends none such, source_eval.go:2596-2629) is refused.</summary>
    public static ChildAliases Of(ConstructRequest request)
    {
        foreach (var alias in request.Aliases)
        {
            var isSpec = alias.AliasCase == Alias.AliasOneofCase.Spec;
            var urn = isSpec ? alias.Spec.ParentUrn : alias.Urn;
            if ((urn.Length > 0 || !isSpec) && !(urn.StartsWith("urn:pulumi:", StringComparison.Ordinal) && urn.Split("::").Length >= 4))
                throw ProviderException.Invalid($"aliases: {(isSpec ? "parent " : "")}'{Excerpt.Of(urn)}' is not a URN");
        }
        return new ChildAliases(request);
    }

    /// <summary>The aliases a child of the component inherits (none when the component has none).</summary>
    public IReadOnlyList<string> For(string childType, string childName) =>
        Component.Select(parentAlias => InheritedChildAlias(childName, parentAlias, childType)).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// One of Construct's aliases as a URN: an URN alias as it is; a spec's empty name, type, project or stack is the
    /// component's, no parent means top-level, and an unset parent is the component's parent. (server.ts reads no
    /// spec type, so there a type alias would be lost; it is kept here, as the engine's collapseAliasToUrn keeps it,
    /// step_generator.go:545-585.)
    /// </summary>
    private static string Collapse(Alias alias, ConstructRequest request)
    {
        if (alias.AliasCase != Alias.AliasOneofCase.Spec) return alias.Urn;
        var spec = alias.Spec;
        var parent = spec.ParentCase switch
        {
            Alias.Types.Spec.ParentOneofCase.ParentUrn => spec.ParentUrn,
            Alias.Types.Spec.ParentOneofCase.NoParent when spec.NoParent => "",
            _ => request.Parent,
        };
        return CreateUrn(Or(spec.Name, request.Name), Or(spec.Type, request.Type), parent, Or(spec.Project, request.Project), Or(spec.Stack, request.Stack));
    }

    private string InheritedChildAlias(string childName, string parentAlias, string childType)
    {
        var aliasName = childName.StartsWith(_request.Name, StringComparison.Ordinal)
            ? parentAlias[(parentAlias.LastIndexOf("::", StringComparison.Ordinal) + 2)..] + childName[_request.Name.Length..]
            : childName;
        return CreateUrn(aliasName, childType, parentAlias, _request.Project, _request.Stack);
    }

    /// <summary>createUrn: under a parent, the parent's URN up to its name and <c>$</c>, unless the parent is the root stack.</summary>
    private static string CreateUrn(string name, string type, string parent, string project, string stack)
    {
        var prefix = parent.Length > 0 ? parent[..parent.LastIndexOf("::", StringComparison.Ordinal)] + "$" : "";
        return prefix.Length > 0 && !prefix.EndsWith("::pulumi:pulumi:Stack$", StringComparison.Ordinal)
            ? $"{prefix}{type}::{name}"
            : $"urn:pulumi:{stack}::{project}::{type}::{name}";
    }

    private static string Or(string given, string fallback) => given.Length > 0 ? given : fallback;
}

using Speck.Harness.Deployment;
using Speck.Harness.Program;

namespace Speck.Harness.State;

/// <summary>
/// What the engine does to the snapshot each time it writes it (NormalizeURNReferences,
/// pkg/resource/deploy/snapshot.go:548-650, called by SnapshotManager.Deployment, pkg/backend/snapshot.go:806-811
/// (pulumi v3.259.0)): a resource found by an alias this deployment is written under its new URN only, every reference
/// to the old URN (parent, dependencies, property dependencies, provider) is rewritten to the new one, a child of a
/// renamed parent not registered yet is written under its parent's new type, and no aliases are written
/// (withUpdatedAliases, state_builder.go:109-115). The in-memory state keeps the old URNs until the program
/// registers those resources.
/// </summary>
internal static class UrnNormalization
{
    public static IReadOnlyList<ResourceState> Apply(IReadOnlyList<ResourceState> resources)
    {
        var aliased = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var r in resources)
        {
            foreach (var alias in r.Aliases)
            {
                if (aliased.TryGetValue(alias, out var other) && other != r.Urn)
                    throw new HarnessException($"Two resources ('{other}' and '{r.Urn}') aliased to the same: '{alias}'");
                aliased[alias] = r.Urn;
            }
            if (r.Parent is { } parent && aliased.TryGetValue(parent, out var renamed) && Urns.QualifiedType(renamed) != Urns.RootStackType)
            {
                var parts = r.Urn.Split("::");
                aliased[r.Urn] = Urns.Of(parts[0]["urn:pulumi:".Length..], parts[1],
                    $"{Urns.QualifiedType(renamed)}${AliasResolution.TypeOf(r.Urn)}", AliasResolution.NameOf(r.Urn));
            }
        }
        if (aliased.Count == 0) return resources;
        string Fix(string urn) => aliased.GetValueOrDefault(urn, urn);
        return resources.Select(r => r with
        {
            Urn = Fix(r.Urn),
            Parent = r.Parent is null ? null : Fix(r.Parent),
            Dependencies = r.Dependencies.Select(Fix).ToList(),
            PropertyDependencies = r.PropertyDependencies.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value.Select(Fix).ToList()),
            Provider = r.Provider is { } provider && provider.LastIndexOf("::", StringComparison.Ordinal) is var i and > 0
                ? Fix(provider[..i]) + provider[i..] : r.Provider,
            Aliases = [],
        }).ToList();
    }
}

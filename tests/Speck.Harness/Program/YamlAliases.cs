using System.Text.Json.Nodes;
using Pulumirpc;
using Speck.Harness.Deployment;
using Speck.Harness.Protocol;

namespace Speck.Harness.Program;

/// <summary>
/// A YAML resource's <c>aliases:</c> option, evaluated, as pulumi-yaml passes it to the Go SDK
/// (pkg/pulumiyaml/run.go:1612-1731, pulumi-yaml v1.38.1) and the Go SDK sends it to an engine that supports alias specs
/// (mapAliases, resolveAliasParent, sdk/go/pulumi/context.go:2456-2600 (pulumi v3.259.0)): a string is an old URN; an
/// object has <c>urn</c>, or any of <c>name</c>, <c>type</c>, <c>project</c>, <c>stack</c> with <c>parent</c> (a URN
/// or a resource) or <c>noParent</c>. The engine then parses each as from any SDK (<see cref="ResourceAlias.Parse"/>).
/// </summary>
internal static class YamlAliases
{
    public static IReadOnlyList<ResourceAlias> Of(JsonNode? evaluated)
    {
        if (evaluated is null) return [];
        // pulumi-yaml reads a list only; its type check asks for a list of strings or alias objects (analyser.go:752-760).
        if (evaluated is not JsonArray list) throw new HarnessException("aliases: expected a list of URNs or alias objects");
        return list.Select(item => ResourceAlias.Parse(Message(item))).ToList();
    }

    private static Alias Message(JsonNode? item)
    {
        if (Text(item, "aliases[]") is { } urn) return new Alias { Urn = urn };
        if (item is not JsonObject o) throw new HarnessException("aliases: an alias is a URN or an object");
        if (o["urn"] is { } u) return new Alias { Urn = Text(u, "urn") ?? "" };
        var spec = new Alias.Types.Spec
        {
            Name = Text(o["name"], "name") ?? "", Type = Text(o["type"], "type") ?? "",
            Project = Text(o["project"], "project") ?? "", Stack = Text(o["stack"], "stack") ?? "",
        };
        // A resource given as parent stands for its URN; no parent given sends noParent as given, false when absent.
        if (o["parent"] is JsonObject resource && resource["urn"] is { } parentUrn) spec.ParentUrn = Text(parentUrn, "parent") ?? "";
        else if (o["parent"] is { } parent) spec.ParentUrn = Text(parent, "parent") ?? "";
        else spec.NoParent = o["noParent"] is JsonValue v && v.TryGetValue<bool>(out var noParent) && noParent;
        return new Alias { Spec = spec };
    }

    /// <summary>A string the Go SDK awaits: known, not secret (context.go:2512-2539).</summary>
    private static string? Text(JsonNode? value, string field)
    {
        if (Sig.IsUnknown(value)) throw new HarnessException($"aliases: alias {field} could not be resolved: must be known");
        if (Sig.IsSecret(value)) throw new HarnessException($"aliases: alias {field} could not be resolved: must not be secret");
        return value is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    }
}

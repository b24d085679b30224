using Speck.Host.Schema;
using Speck.Host.Values;

namespace Speck.Host.Resources;

/// <summary>
/// A child a component registers through the engine's resource monitor: a custom resource of this package, with the
/// URNs it depends on (per input property, as the SDKs send them) so the engine orders and replaces as for any program.
/// </summary>
public sealed record ChildRegistration(string Type, string Name, PropertyMap Inputs)
{
    public IReadOnlyList<string> Dependencies { get; init; } = [];
    public IReadOnlyDictionary<string, IReadOnlyList<string>> PropertyDependencies { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>();
}

/// <summary>
/// What a component's Construct answers: its outputs, and per output key the URNs of the children that key came from
/// (ConstructResponse.stateDependencies). The engine hands them back to the program as the output's dependencies, so a
/// resource taking <c>pipeline.jobs</c> depends on the jobs, not only on the component (docs/pulumi-engine.md §Components).
/// </summary>
public sealed record ComponentOutputs(PropertyMap State)
{
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Dependencies { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>();
}

/// <summary>What the engine answered for a child: its URN, ID ("" in preview before it exists) and outputs (unknown ones as Unknown).</summary>
public sealed record ChildResource(string Urn, string Id, PropertyMap Outputs);

/// <summary>Everything a component's Construct knows of its call, and the monitor it registers its children with.</summary>
public sealed class ComponentContext
{
    public required string Urn { get; init; }
    public required string Name { get; init; }
    public required string Type { get; init; }
    /// <summary>The request's dryRun: a preview, where children's outputs may be unknown.</summary>
    public bool Preview { get; init; }
    public required IEngineLog Log { get; init; }
    public CancellationToken CancellationToken { get; init; }
    public required Func<ChildRegistration, CancellationToken, Task<ChildResource>> Register { get; init; }

    public Task<ChildResource> RegisterAsync(ChildRegistration child) => Register(child, CancellationToken);

    public Task InfoAsync(string message) => Log.LogAsync(MessageSeverity.Info, message, Urn, CancellationToken);
    public Task WarnAsync(string message) => Log.LogAsync(MessageSeverity.Warning, message, Urn, CancellationToken);
}

/// <summary>
/// A multi-language component (<c>isComponent: true</c> in the schema): the engine calls the provider's Construct
/// for it, and the provider registers it and its children through the engine's resource monitor
/// (docs/pulumi-engine.md §Components).
/// </summary>
public interface IComponentHandler
{
    string Token { get; }
    string Description { get; }
    ObjectShape Inputs { get; }
    ObjectShape Outputs { get; }

    /// <summary>
    /// Checks the inputs before anything is registered: failures here mean nothing is deployed. The component is
    /// registered between this and <see cref="ConstructAsync"/>.
    /// </summary>
    IReadOnlyList<CheckFailureInfo> Check(PropertyMap inputs);

    /// <summary>
    /// Registers the children and returns the component's outputs (registered with the monitor after) with the
    /// children each output comes from. The host registers the children with what they inherit from the component
    /// (its protect, its provider for their package); its other options are its own (Grpc.ComponentConstruction).
    /// </summary>
    Task<ComponentOutputs> ConstructAsync(ComponentContext ctx, PropertyMap inputs);
}

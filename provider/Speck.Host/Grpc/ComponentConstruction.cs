using Grpc.Net.Client;
using Pulumirpc;
using Speck.Host.Resources;
using Speck.Host.Values;

namespace Speck.Host.Grpc;

/// <summary>
/// Construct as a provider serves it for the engine (docs/pulumi-engine.md §Components): the inputs are checked, the
/// component is registered at the request's <c>monitorEndpoint</c> with the options the request carries (aliases
/// included), its children are registered as custom resources parented to it with what a child inherits (the
/// aliases too, <see cref="ChildAliases"/>), its outputs go to RegisterResourceOutputs, and the answer carries its
/// URN, outputs and the children each output came from (ConstructResponse, proto/pulumi/provider.proto (pulumi v3.259.0)).
/// </summary>
internal static class ComponentConstruction
{
    public static async Task<ConstructResponse> RunAsync(IComponentHandler component, ConstructRequest request, PropertyMap inputs,
        IEngineLog log, CancellationToken ct)
    {
        var failures = component.Check(inputs);
        if (failures.Count > 0)
            throw ProviderException.Invalid($"{component.Token} '{Excerpt.Of(request.Name)}' has invalid inputs: " +
                string.Join("; ", failures.Select(f => $"{f.Property}: {f.Reason}")));
        if (!Uri.TryCreate("http://" + request.MonitorEndpoint, UriKind.Absolute, out var address) || address.Port <= 0)
            throw ProviderException.Invalid($"monitorEndpoint '{Excerpt.Of(request.MonitorEndpoint)}' is not host:port");
        using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = ProviderServer.MaxMessageSize,
            MaxSendMessageSize = ProviderServer.MaxMessageSize,
        });
        var monitor = new ResourceMonitor.ResourceMonitorClient(channel);
        var aliases = ChildAliases.Of(request);

        var registered = await monitor.RegisterResourceAsync(ComponentRegistration(request, aliases), cancellationToken: ct);
        var ctx = new ComponentContext
        {
            Urn = registered.Urn, Name = request.Name, Type = request.Type, Preview = request.DryRun, Log = log, CancellationToken = ct,
            Register = (child, token) => RegisterChildAsync(monitor, ChildRegistration(request, registered.Urn, aliases, child), token),
        };
        var outputs = await component.ConstructAsync(ctx, inputs);
        var state = StructCodec.Encode(outputs.State);
        await monitor.RegisterResourceOutputsAsync(new RegisterResourceOutputsRequest { Urn = registered.Urn, Outputs = state }, cancellationToken: ct);
        var response = new ConstructResponse { Urn = registered.Urn, State = state };
        // As the Node.js SDK's construct sends the resources each output came from (sdk/nodejs/provider/server.ts:464-475 (pulumi v3.259.0)).
        foreach (var (key, urns) in outputs.Dependencies)
        {
            var deps = new ConstructResponse.Types.PropertyDependencies();
            deps.Urns.AddRange(urns.Distinct());
            response.StateDependencies[key] = deps;
        }
        return response;
    }

    /// <summary>
    /// The component's own registration, with the options the request carries, as the SDKs' construct rebuild them
    /// (dependsOn, protect, providers, parent, ignoreChanges, replaceOnChanges, customTimeouts, retainOnDelete,
    /// deletedWith: sdk/nodejs/provider/server.ts:399-453; also deleteBeforeReplace and additionalSecretOutputs,
    /// sdk/go/pulumi/provider.go:174-206 (pulumi v3.259.0)) and register a component: no inputs, custom false
    /// (sdk/go/pulumi/context.go:2004-2008). An option the request leaves unset stays unset, as the Go SDK keeps it
    /// (its protect and retainOnDelete are pointers), so the engine's own inheritance from the parent applies.
    /// </summary>
    private static RegisterResourceRequest ComponentRegistration(ConstructRequest request, ChildAliases aliases)
    {
        var self = new RegisterResourceRequest
        {
            Type = request.Type, Name = request.Name, Parent = request.Parent, Custom = false, DeletedWith = request.DeletedWith,
            Object = StructCodec.Encode(PropertyMap.Empty), AcceptSecrets = true, AcceptResources = true, SupportsPartialValues = true,
        };
        if (request.HasProtect) self.Protect = request.Protect;
        if (request.HasRetainOnDelete) self.RetainOnDelete = request.RetainOnDelete;
        if (request.HasDeleteBeforeReplace)
            (self.DeleteBeforeReplace, self.DeleteBeforeReplaceDefined) = (request.DeleteBeforeReplace, true);
        self.Dependencies.AddRange(request.Dependencies);
        self.AliasURNs.AddRange(aliases.Component);
        foreach (var (package, reference) in request.Providers) self.Providers[package] = reference;
        self.IgnoreChanges.AddRange(request.IgnoreChanges);
        self.ReplaceOnChanges.AddRange(request.ReplaceOnChanges);
        self.AdditionalSecretOutputs.AddRange(request.AdditionalSecretOutputs);
        if (request.CustomTimeouts is { } t)
            self.CustomTimeouts = new RegisterResourceRequest.Types.CustomTimeouts { Create = t.Create, Update = t.Update, Delete = t.Delete, Read = t.Read };
        return self;
    }

    /// <summary>
    /// A child's registration: parented to the component, with what a child inherits from its parent in the SDKs —
    /// protect when it sets none, and the provider for its package from the parent's providers
    /// (sdk/nodejs/resource.ts:498-536; sdk/go/pulumi/context.go:1435-1436 (pulumi v3.259.0)). The component's other
    /// options (dependencies, timeouts, retainOnDelete, deletedWith, …) are not the children's.
    /// </summary>
    private static RegisterResourceRequest ChildRegistration(ConstructRequest request, string parent, ChildAliases aliases, ChildRegistration child)
    {
        var registration = new RegisterResourceRequest
        {
            Type = child.Type, Name = child.Name, Parent = parent, Custom = true, Object = StructCodec.Encode(child.Inputs),
            AcceptSecrets = true, AcceptResources = true, SupportsPartialValues = true,
            Provider = request.Providers.GetValueOrDefault(child.Type.Split(':')[0]) ?? "",
        };
        if (request.HasProtect) registration.Protect = request.Protect;
        registration.Dependencies.AddRange(child.Dependencies.Distinct());
        registration.AliasURNs.AddRange(aliases.For(child.Type, child.Name));
        foreach (var (key, urns) in child.PropertyDependencies)
        {
            var deps = new RegisterResourceRequest.Types.PropertyDependencies();
            deps.Urns.AddRange(urns.Distinct());
            registration.PropertyDependencies[key] = deps;
        }
        return registration;
    }

    private static async Task<ChildResource> RegisterChildAsync(ResourceMonitor.ResourceMonitorClient monitor, RegisterResourceRequest request,
        CancellationToken ct)
    {
        var response = await monitor.RegisterResourceAsync(request, cancellationToken: ct);
        return new ChildResource(response.Urn, response.Id, StructCodec.Decode(response.Object));
    }
}

using Grpc.Net.Client;
using Pulumirpc;
using Speck.Host.Resources;
using Speck.Host.Values;

namespace Speck.Host.Grpc;

/// <summary>
/// Construct as a provider serves it for the engine (docs/pulumi-engine.md §Components): the inputs are checked, the
/// component is registered at the request's <c>monitorEndpoint</c> (a non-custom resource under the request's parent,
/// with its dependencies, protect and aliases), its children are registered as custom resources parented to it (with
/// the aliases they inherit, <see cref="ChildAliases"/>), its outputs
/// go to RegisterResourceOutputs, and the answer carries its URN and outputs (ConstructResponse, proto/pulumi/provider.proto
/// (pulumi v3.259.0)); docs/pulumi-engine.md §Components.
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

        // The component itself, as the Go SDK's RegisterComponentResource registers one (no inputs, custom false;
        // sdk/go/pulumi/context.go:2004-2008 (pulumi v3.259.0)): its children carry what it was given.
        var self = new RegisterResourceRequest
        {
            Type = request.Type, Name = request.Name, Parent = request.Parent, Custom = false,
            Object = StructCodec.Encode(PropertyMap.Empty), AcceptSecrets = true, AcceptResources = true, SupportsPartialValues = true,
        };
        if (request.HasProtect) self.Protect = request.Protect;
        self.Dependencies.AddRange(request.Dependencies);
        self.AliasURNs.AddRange(aliases.Component);
        var registered = await monitor.RegisterResourceAsync(self, cancellationToken: ct);
        var ctx = new ComponentContext
        {
            Urn = registered.Urn, Name = request.Name, Type = request.Type, Preview = request.DryRun, Log = log, CancellationToken = ct,
            Register = (child, token) => RegisterChildAsync(monitor, registered.Urn, aliases, child, token),
        };
        var outputs = await component.ConstructAsync(ctx, inputs);
        var state = StructCodec.Encode(outputs);
        await monitor.RegisterResourceOutputsAsync(new RegisterResourceOutputsRequest { Urn = registered.Urn, Outputs = state }, cancellationToken: ct);
        return new ConstructResponse { Urn = registered.Urn, State = state };
    }

    private static async Task<ChildResource> RegisterChildAsync(ResourceMonitor.ResourceMonitorClient monitor, string parent,
        ChildAliases aliases, ChildRegistration child, CancellationToken ct)
    {
        var request = new RegisterResourceRequest
        {
            Type = child.Type, Name = child.Name, Parent = parent, Custom = true, Object = StructCodec.Encode(child.Inputs),
            AcceptSecrets = true, AcceptResources = true, SupportsPartialValues = true,
        };
        request.Dependencies.AddRange(child.Dependencies.Distinct());
        request.AliasURNs.AddRange(aliases.For(child.Type, child.Name));
        foreach (var (key, urns) in child.PropertyDependencies)
        {
            var deps = new RegisterResourceRequest.Types.PropertyDependencies();
            deps.Urns.AddRange(urns.Distinct());
            request.PropertyDependencies[key] = deps;
        }
        var response = await monitor.RegisterResourceAsync(request, cancellationToken: ct);
        return new ChildResource(response.Urn, response.Id, StructCodec.Decode(response.Object));
    }
}

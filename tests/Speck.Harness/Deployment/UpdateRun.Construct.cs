using System.Text.Json.Nodes;
using Grpc.Core;
using Pulumirpc;
using Speck.Harness.Protocol;

namespace Speck.Harness.Deployment;

/// <summary>
/// What the engine's resmon hands every Construct (its constructInfo, source_eval.go:604-613 (pulumi v3.259.0)): the
/// monitor's own address, the stack's config (<c>ns:key</c> → text) and which keys are secret.
/// </summary>
internal sealed record ConstructInfo(string MonitorAddress, IReadOnlyDictionary<string, string> Config, IReadOnlyList<string> ConfigSecretKeys);

internal sealed partial class UpdateRun
{
    /// <summary>Set by whoever serves the resource monitor for this run; remote registrations need it.</summary>
    public ConstructInfo? Construction { get; set; }

    /// <summary>
    /// A remote registration (source_eval.go:2822-2935 (pulumi v3.259.0)): no step of its own; the provider's Construct
    /// is called with the monitor's address, dry run, parallelism, config and the registration's options, and
    /// registers the component and its children back through the monitor, where they become steps as any
    /// registration does (the component's aliases too: the provider registers it with them). The answer is Construct's URN and state, with its stateDependencies as the outputs'
    /// dependencies. A Construct error is the resource's error
    /// ("&lt;type&gt; resource '&lt;name&gt;' has a problem: …", GetResourceInvalidError, sdk/go/common/diag/errors.go:36)
    /// and aborts the deployment.
    /// </summary>
    private async Task<Registered> ConstructAsync(string urn, Registration r)
    {
        if (Construction is not { } info) return Failed(urn, r, "no resource monitor serves this run: speck-engine cannot construct a component");
        if (_stopped) return Skip(urn, r.Type, r.Name);
        var request = ConstructRequestOf(info, r);
        redactor.Learn(r.Inputs);
        try
        {
            var response = await session.Provider.Call("Construct", request, q => session.Provider.Client.ConstructAsync(q, cancellationToken: ct));
            var outputs = Structs.ToJson(response.State);
            redactor.Learn(outputs);
            return new Registered(response.Urn, "", outputs, StepKind.Same) { Complete = !preview, OutputDependencies = OutputDependencies(response, outputs) };
        }
        catch (RpcException e)
        {
            // The children's own failures stopped the run already and are its errors; Construct's is reported too.
            var message = $"{r.Type} resource '{r.Name}' has a problem: {redactor.Redact(ProviderError.From(e).Message)}";
            Fail($"{urn}: {message}");
            return new Registered(urn, "", new JsonObject(), StepKind.Failed);
        }
    }

    /// <summary>
    /// The ConstructRequest the engine builds from a remote registration (provider_plugin.go:2150-2186, from the
    /// options source_eval.go:2847-2871 gathers (pulumi v3.259.0)): the registration's dependencies, property
    /// dependencies, protect, retainOnDelete, additionalSecretOutputs, deleteBeforeReplace, ignoreChanges, replaceOnChanges,
    /// aliases and custom timeouts (the message only when the registration sent one). Providers and deletedWith are refused
    /// at registration (ResourceMonitorService.ToRegistration), and SDKs send no replaceWith, hooks or replacement
    /// trigger to a monitor that does not support them, so none is set here. The engine says it accepts output values
    /// (:2175); speck-engine reads none (it answers as an engine with outputValues disabled), so it says it does not.
    /// </summary>
    private ConstructRequest ConstructRequestOf(ConstructInfo info, Registration r)
    {
        var request = new ConstructRequest
        {
            Project = project, Stack = options.Stack, DryRun = preview, Parallel = options.Parallel,
            MonitorEndpoint = info.MonitorAddress, Type = r.Type, Name = r.Name, Parent = r.Parent ?? "",
            Inputs = Structs.ToStruct(r.Inputs), AcceptsOutputValues = false,
        };
        foreach (var (k, v) in info.Config) request.Config[k] = v;
        request.ConfigSecretKeys.AddRange(info.ConfigSecretKeys);
        request.Dependencies.AddRange(r.Dependencies);
        foreach (var (k, deps) in r.PropertyDependencies)
        {
            var d = new ConstructRequest.Types.PropertyDependencies();
            d.Urns.AddRange(deps);
            request.InputDependencies[k] = d;
        }
        if (r.Options.Protect) request.Protect = true;
        if (r.Options.RetainOnDelete) request.RetainOnDelete = true;
        if (r.Options.DeleteBeforeReplace is { } dbr) request.DeleteBeforeReplace = dbr;
        request.IgnoreChanges.AddRange(r.Options.IgnoreChanges);
        request.ReplaceOnChanges.AddRange(r.Options.ReplaceOnChanges);
        request.AdditionalSecretOutputs.AddRange(r.Options.AdditionalSecretOutputs);
        if (r.Options.TimeoutTexts is { } t)
            request.CustomTimeouts = new ConstructRequest.Types.CustomTimeouts { Create = t.Create, Update = t.Update, Delete = t.Delete, Read = t.Read };
        // The registration's aliases as parsed, marshalled back (provider_plugin.go:2125-2147, 2166 (pulumi v3.259.0)).
        request.Aliases.AddRange(r.Options.Aliases.Select(a => a.ToMessage()));
        return request;
    }

    /// <summary>
    /// The outputs' dependencies as the engine answers them: Construct's stateDependencies, and an entry (maybe empty)
    /// for every output key (source_eval.go:2924-2941 (pulumi v3.259.0); the output values it would also read are never
    /// sent to speck-engine).
    /// </summary>
    private static Dictionary<string, IReadOnlyList<string>> OutputDependencies(ConstructResponse response, JsonObject outputs)
    {
        var deps = response.StateDependencies.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value.Urns.Distinct().ToList(), StringComparer.Ordinal);
        foreach (var (key, _) in outputs) deps.TryAdd(key, []);
        return deps;
    }
}

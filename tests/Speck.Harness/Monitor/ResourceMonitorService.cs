using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Pulumirpc;
using Speck.Harness.Deployment;
using Speck.Harness.Program;
using Speck.Harness.Protocol;

namespace Speck.Harness.Monitor;

/// <summary>
/// <c>pulumirpc.ResourceMonitor</c> as the engine's resmon serves it (pkg/resource/deploy/source_eval.go
/// (pulumi v3.259.0); docs/pulumi-engine.md §Resource monitor): each RegisterResource becomes a
/// <see cref="Registration"/> for the one step planner (<see cref="UpdateRun"/>) and is answered with its outcome.
/// </summary>
internal sealed class ResourceMonitorService(MonitorSession session) : ResourceMonitor.ResourceMonitorBase
{
    /// <summary>
    /// supportsFeatureID (source_eval.go:945-986): the engine says yes to "secrets" and "aliasSpecs" always, and to
    /// "resourceReferences" and "outputValues" unless told not to (PULUMI_DISABLE_RESOURCE_REFERENCES, …_OUTPUT_VALUES).
    /// The harness answers as an engine with those two disabled, and no to the features whose calls or options it does
    /// not serve (transforms, hooks, packages, deletedWith, replaceWith, …), so an SDK never sends them.
    /// </summary>
    public static bool Supports(string id) => id is "secrets" or "aliasSpecs";

    public override Task<SupportsFeatureResponse> SupportsFeature(SupportsFeatureRequest request, ServerCallContext context) =>
        Task.FromResult(new SupportsFeatureResponse { HasSupport = Supports(request.Id) });

    public override async Task<RegisterResourceResponse> RegisterResource(RegisterResourceRequest request, ServerCallContext context)
    {
        var run = session.Run;
        // A deployment stopped by a failed step cancels the monitor (stepExecutor.cancelDueToError,
        // step_executor.go:435-465): registrations get Unavailable (source_eval.go:3032-3044).
        if (run.Stopped) throw new RpcException(new Status(StatusCode.Unavailable, "resource monitor shut down while sending resource registration"));
        Registration registration;
        try { registration = ToRegistration(request, FromNodeJs(context)); }
        catch (HarnessException e) { throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message)); }
        var registered = await run.RegisterAsync(registration);
        if (!registered.Ok) throw new RpcException(new Status(StatusCode.Unavailable, "resource monitor shut down while waiting on step's done channel"));
        // A local component's outputs are not returned: they come from RegisterResourceOutputs (source_eval.go:3080-3091);
        // a remote one's are Construct's state (:2918-2941).
        var outputs = request.Custom || request.Remote ? registered.Outputs : new JsonObject();
        if (!request.SupportsPartialValues)
            foreach (var key in outputs.Where(kv => Sig.ContainsUnknown(kv.Value)).Select(kv => kv.Key).ToList()) outputs.Remove(key);
        if (!request.AcceptSecrets) outputs = (JsonObject)Sig.Unwrap(outputs)!;
        var response = new RegisterResourceResponse
        {
            Urn = registered.Urn, Id = registered.Id, Object = Structs.ToStruct(outputs), Result = Result.Success,
        };
        // A remote component's answer names, per output, the resources it came from: Construct's stateDependencies
        // (source_eval.go:2924-2941, 3218 (pulumi v3.259.0)); nil for any other registration.
        foreach (var (key, urns) in registered.OutputDependencies ?? new Dictionary<string, IReadOnlyList<string>>())
        {
            var deps = new RegisterResourceResponse.Types.PropertyDependencies();
            deps.Urns.AddRange(urns);
            response.PropertyDependencies[key] = deps;
        }
        return response;
    }

    /// <summary>
    /// requestFromNodeJS (source_eval.go:2157-2176 (pulumi v3.259.0)): a "pulumi-runtime" header of "nodejs", or without
    /// one a "user-agent" starting "grpc-node-js/".
    /// </summary>
    private static bool FromNodeJs(ServerCallContext context)
    {
        var headers = context.RequestHeaders.Where(h => !h.IsBinary).ToList();
        var runtime = headers.Where(h => h.Key == "pulumi-runtime").Select(h => h.Value).ToList();
        if (runtime.Count > 0) return runtime is ["nodejs"];
        return headers.Where(h => h.Key == "user-agent").Select(h => h.Value).ToList() is [var agent] && agent.StartsWith("grpc-node-js/", StringComparison.Ordinal);
    }

    private Registration ToRegistration(RegisterResourceRequest r, bool fromNodeJs)
    {
        // Custom resources need a three-part type token (source_eval.go:2310-2320).
        if ((r.Custom || r.Remote) && r.Type.Split(':').Length != 3)
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"invalid type token '{r.Type}'"));
        if (r.Custom && r.Type.StartsWith("pulumi:providers:", StringComparison.Ordinal)) throw Unsupported("explicit provider resources");
        if (r.Provider.Length > 0) throw Unsupported("the provider option (only the default provider is run)");
        if (r.Providers.Count > 0) throw Unsupported("the providers option (only the default provider is run)");
        if (r.DeletedWith.Length > 0) throw Unsupported("deletedWith");
        if ((r.Custom || r.Remote) && !r.Type.StartsWith(StackConfig.Package + ":", StringComparison.Ordinal))
            throw Unsupported($"resources of package '{Urns.Package(r.Type)}' (speck-engine runs only the {StackConfig.Package} provider)");
        var inputs = Structs.ToJson(r.Object);
        // The engine hashes assets the program sent without one (ComputeAssetHashes, source_eval.go:2358-2369).
        Assets.EnsureHashes(inputs, session.ProgramDirectory);
        var timeouts = r.CustomTimeouts;
        var parent = session.Run.GoalOptions(r.Parent);
        return new Registration(r.Type, r.Name, r.Custom, inputs)
        {
            Remote = r.Remote,
            Parent = r.Parent.Length > 0 ? r.Parent : null,
            Dependencies = r.Dependencies.Distinct().ToList(),
            // No property dependencies sent: every property depends on every dependency (source_eval.go:2385-2406).
            PropertyDependencies = Registration.Complete(inputs, r.Dependencies,
                r.PropertyDependencies.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value.Urns.ToList())),
            Version = r.Version,
            Options = new ResourceOptions
            {
                // inheritFromParent (source_eval.go:2002-2022, called at :2300-2306 (pulumi v3.259.0)): an unset protect is
                // the parent's, and so is an unset retainOnDelete. Its deletedWith and provider would be inherited too;
                // they are refused above.
                Protect = r.HasProtect ? r.Protect : parent?.Protect ?? false,
                RetainOnDelete = r.HasRetainOnDelete ? r.RetainOnDelete : parent?.RetainOnDelete ?? false,
                // DeleteBeforeReplaceDefined, or true without it, as the Go SDK sends it (source_eval.go:2351-2356).
                DeleteBeforeReplace = r.DeleteBeforeReplaceDefined || r.DeleteBeforeReplace ? r.DeleteBeforeReplace : null,
                IgnoreChanges = r.IgnoreChanges.ToList(),
                ReplaceOnChanges = r.ReplaceOnChanges.ToList(),
                Import = r.ImportId.Length > 0 ? r.ImportId : null,
                Aliases = ResourceAlias.FromRequest(r, fromNodeJs),
                // generateTimeoutInSeconds (source_eval.go:2948-2978, 3396-3403): Go durations.
                Timeouts = timeouts is null ? new CustomTimeouts(0, 0, 0) : new CustomTimeouts(
                    YamlProgram.Duration(timeouts.Create), YamlProgram.Duration(timeouts.Update), YamlProgram.Duration(timeouts.Delete)),
                TimeoutTexts = timeouts is null ? null : new CustomTimeoutTexts(timeouts.Create, timeouts.Update, timeouts.Delete, timeouts.Read),
                AdditionalSecretOutputs = r.AdditionalSecretOutputs.ToList(),
            },
        };
    }

    private static RpcException Unsupported(string what) =>
        new(new Status(StatusCode.Unimplemented, $"speck-engine does not support {what}"));

    /// <summary>
    /// RegisterResourceOutputs (source_eval.go:3237-3313): a component's outputs, recorded in its state entry; the
    /// root stack's are the stack outputs.
    /// </summary>
    public override Task<Empty> RegisterResourceOutputs(RegisterResourceOutputsRequest request, ServerCallContext context)
    {
        if (session.Run.Stopped) throw new RpcException(new Status(StatusCode.Unavailable, "resource monitor shut down while sending resource outputs"));
        var outputs = Structs.ToJson(request.Outputs);
        Assets.EnsureHashes(outputs, session.ProgramDirectory);
        if (request.Urn == session.Run.RootStackUrn) session.StackOutputs = outputs;
        session.Run.ComponentOutputs(request.Urn, outputs);
        return Task.FromResult(new Empty());
    }

    /// <summary>
    /// Invoke (source_eval.go:1065-1202 (pulumi v3.259.0)): the builtin provider's <c>pulumi:pulumi:getResource</c>
    /// from this deployment's resources; the speck package's functions sent to the provider (it has none, so it
    /// names the token in its error). See <see cref="ReadsAndInvokes"/>.
    /// </summary>
    public override Task<ResourceInvokeResponse> Invoke(ResourceInvokeRequest request, ServerCallContext context) =>
        ReadsAndInvokes.InvokeAsync(session, request);

    /// <summary>ReadResource (source_eval.go:1435-1559): a <c>Resource.get</c>, read as an external resource (<see cref="ReadsAndInvokes"/>).</summary>
    public override Task<ReadResourceResponse> ReadResource(ReadResourceRequest request, ServerCallContext context) =>
        ReadsAndInvokes.ReadAsync(session, request);

    /// <summary>
    /// SignalAndWaitForShutdown (source_eval.go:1794-1805): the program registers nothing more; the answer comes when
    /// every step, deletes included, is done. A second caller is an error.
    /// </summary>
    public override async Task<Empty> SignalAndWaitForShutdown(Empty request, ServerCallContext context)
    {
        if (!session.TrySignalShutdown()) throw new RpcException(new Status(StatusCode.Unknown, "Already waiting for shutdown"));
        await session.Finished;
        return new Empty();
    }
}

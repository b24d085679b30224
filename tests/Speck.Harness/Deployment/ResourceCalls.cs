using System.Text.Json.Nodes;
using Grpc.Core;
using Pulumirpc;
using Speck.Harness.Protocol;
using Speck.Harness.State;

namespace Speck.Harness.Deployment;

/// <summary>
/// The resource RPCs with their fields filled as docs/pulumi-calls.md §Request fields says (olds, news, old_inputs,
/// name, type, timeout). Assets go whole to Check, Create and Update's news; elided to their hash everywhere else
/// (docs/pulumi-engine.md §Assets).
/// </summary>
internal sealed class ResourceCalls(ProviderSession session, CancellationToken ct)
{
    private Engine.ProviderProcess P => session.Provider;

    /// <summary>
    /// The operation was stopped (the harness's stand-in for a second Ctrl+C, which terminates the CLI,
    /// pkg/backend/cancellation_scope.go:64-118 (pulumi v3.259.0)): a step whose call comes back now writes no
    /// checkpoint, so its pending operation stays in the state (OnResourceStepPost, pkg/engine/update.go:1320-1324).
    /// </summary>
    public bool Terminated => ct.IsCancellationRequested;

    /// <summary>Leaves a step without ending its pending operation (see <see cref="Terminated"/>).</summary>
    public OperationCanceledException Termination(RpcException e) => new("the operation was terminated; its pending operations stay in the state", e, ct);

    public Task<CheckResponse> CheckAsync(string urn, string type, JsonObject olds, JsonObject news) =>
        P.Call("Check", new CheckRequest
        {
            Urn = urn, Name = Urns.Name(urn), Type = type, Olds = Structs.ToStruct(olds), News = Structs.ToStruct(news),
            RandomSeed = Google.Protobuf.ByteString.CopyFrom(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        }, r => P.Client.CheckAsync(r, cancellationToken: ct));

    public Task<DiffResponse> DiffAsync(string urn, string type, string id, JsonObject olds, JsonObject oldInputs, JsonObject news,
        IEnumerable<string> ignoreChanges)
    {
        var request = new DiffRequest
        {
            Id = id, Urn = urn, Name = Urns.Name(urn), Type = type,
            // Diff marshals old inputs, old outputs and new inputs with ElideAssetContents
            // (pkg/resource/plugin/provider_plugin.go:1318-1350 (pulumi v3.259.0)).
            Olds = Structs.ToStruct(Assets.Elide(olds)), OldInputs = Structs.ToStruct(Assets.Elide(oldInputs)), News = Structs.ToStruct(Assets.Elide(news)),
        };
        request.IgnoreChanges.AddRange(ignoreChanges);
        return P.Call("Diff", request, r => P.Client.DiffAsync(r, cancellationToken: ct));
    }

    public Task<CreateResponse> CreateAsync(string urn, string type, JsonObject inputs, double timeout, bool preview) =>
        P.Call("Create", new CreateRequest
        {
            Urn = urn, Name = Urns.Name(urn), Type = type, Properties = Structs.ToStruct(inputs), Timeout = timeout, Preview = preview,
        }, r => P.Client.CreateAsync(r, cancellationToken: ct));

    public Task<UpdateResponse> UpdateAsync(ResourceState old, JsonObject news, double timeout, IEnumerable<string> ignoreChanges, bool preview)
    {
        var request = new UpdateRequest
        {
            Id = old.Id, Urn = old.Urn, Name = old.Name, Type = old.Type,
            // Update elides the old inputs and outputs, not the new inputs (provider_plugin.go:1726-1756 (pulumi v3.259.0)).
            Olds = Structs.ToStruct(Assets.Elide(old.Outputs)), OldInputs = Structs.ToStruct(Assets.Elide(old.Inputs)), News = Structs.ToStruct(news),
            Timeout = timeout, Preview = preview,
        };
        request.IgnoreChanges.AddRange(ignoreChanges);
        return P.Call("Update", request, r => P.Client.UpdateAsync(r, cancellationToken: ct));
    }

    public Task DeleteAsync(ResourceState old, double timeout) =>
        P.Call("Delete", new DeleteRequest
        {
            Id = old.Id, Urn = old.Urn, Name = old.Name, Type = old.Type,
            // Delete elides both (provider_plugin.go:1857-1878 (pulumi v3.259.0)).
            Properties = Structs.ToStruct(Assets.Elide(old.Outputs)), OldInputs = Structs.ToStruct(Assets.Elide(old.Inputs)), Timeout = timeout,
        }, r => P.Client.DeleteAsync(r, cancellationToken: ct));

    /// <summary>
    /// Refresh passes the old state; import passes nothing but the id. Both are sent with assets elided
    /// (provider_plugin.go:1556-1580), and assets Read hands back with only a hash get their contents back from the
    /// inputs sent (:1662-1664 (pulumi v3.259.0)).
    /// </summary>
    public async Task<ReadResult> ReadAsync(string urn, string type, string id, JsonObject? properties, JsonObject? inputs)
    {
        var request = new ReadRequest { Id = id, Urn = urn, Name = Urns.Name(urn), Type = type };
        if (properties is not null) request.Properties = Structs.ToStruct(Assets.Elide(properties));
        if (inputs is not null) request.Inputs = Structs.ToStruct(Assets.Elide(inputs));
        var read = await P.Call("Read", request, r => P.Client.ReadAsync(r, cancellationToken: ct));
        var result = new ReadResult(read.Id, read.Properties is null ? null : Structs.ToJson(read.Properties), read.Inputs is null ? null : Structs.ToJson(read.Inputs));
        Assets.Restore(inputs, result.Inputs);
        Assets.Restore(inputs, result.Outputs);
        return result;
    }

    /// <summary>A function of the provider's package, with <c>preview</c> set as the handshake's invoke_with_preview asks (provider_plugin.go:2224-2300 (pulumi v3.259.0)).</summary>
    public Task<InvokeResponse> InvokeAsync(string tok, Google.Protobuf.WellKnownTypes.Struct args, bool preview) =>
        P.Call("Invoke", new InvokeRequest { Tok = tok, Args = args, Preview = preview }, r => P.Client.InvokeAsync(r, cancellationToken: ct));

    /// <summary>Check failures as the CLI prints them: the property and the reason.</summary>
    public static List<string> Failures(CheckResponse r) => r.Failures.Select(f => $"{f.Property}: {f.Reason}").ToList();

    /// <summary>
    /// The diff as the engine reads it. DIFF_UNKNOWN makes the engine compare the old inputs with the new ones
    /// itself, ignoreChanges applied and secrets unwrapped, with its own value equality (assets by hash):
    /// diffResource (pkg/resource/deploy/step_generator.go:2974-3007 (pulumi v3.259.0); docs/pulumi-engine.md §Engine diff).
    /// </summary>
    public static (bool Changed, bool Replace, List<PropertyChange> Changes) Interpret(DiffResponse d, JsonObject oldInputs, JsonObject news,
        IReadOnlyList<string>? ignoreChanges = null)
    {
        if (d.Changes == DiffResponse.Types.DiffChanges.DiffUnknown)
        {
            var (any, found) = EngineDiff.OfUnknownDiff(oldInputs, news, ignoreChanges ?? []);
            if (!any) return (false, false, []);
            foreach (var r in d.Replaces)
                if (!found.Any(c => c.Path == r || c.Path.StartsWith(r + ".", StringComparison.Ordinal)))
                    found.Add(new PropertyChange(r, "UPDATE_REPLACE"));
            return (true, d.Replaces.Count > 0, found);
        }
        var changes = new List<PropertyChange>();
        if (d.HasDetailedDiff)
            changes.AddRange(d.DetailedDiff.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new PropertyChange(kv.Key, KindName(kv.Value.Kind))));
        else
            changes.AddRange(d.Diffs.Select(k => new PropertyChange(k, d.Replaces.Contains(k) ? "UPDATE_REPLACE" : "UPDATE")));
        foreach (var r in d.Replaces)
            if (!changes.Any(c => c.Path == r || c.Path.StartsWith(r + ".", StringComparison.Ordinal)))
                changes.Add(new PropertyChange(r, "UPDATE_REPLACE"));
        var replace = d.Replaces.Count > 0 || changes.Any(c => c.Kind.EndsWith("_REPLACE", StringComparison.Ordinal));
        var changed = d.Changes == DiffResponse.Types.DiffChanges.DiffSome || replace || changes.Count > 0;
        if (d.Changes == DiffResponse.Types.DiffChanges.DiffNone) changed = false;
        return (changed, replace && changed, changes);
    }

    private static string KindName(PropertyDiff.Types.Kind k) => k switch
    {
        PropertyDiff.Types.Kind.Add => "ADD",
        PropertyDiff.Types.Kind.AddReplace => "ADD_REPLACE",
        PropertyDiff.Types.Kind.Delete => "DELETE",
        PropertyDiff.Types.Kind.DeleteReplace => "DELETE_REPLACE",
        PropertyDiff.Types.Kind.Update => "UPDATE",
        _ => "UPDATE_REPLACE",
    };
}

/// <summary>What Read returned: an empty id means the resource is gone; null inputs mean the provider cannot import.</summary>
public sealed record ReadResult(string Id, JsonObject? Outputs, JsonObject? Inputs);

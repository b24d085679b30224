using System.Text.Json.Nodes;
using Grpc.Core;
using Pulumirpc;
using Speck.Harness.Protocol;
using Speck.Harness.State;

namespace Speck.Harness.Deployment;

/// <summary>The resource RPCs with their fields filled as protocol doc §3.8 says (olds, news, old_inputs, name, type, timeout).</summary>
internal sealed class ResourceCalls(ProviderSession session, CancellationToken ct)
{
    private Engine.ProviderProcess P => session.Provider;

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
            Olds = Structs.ToStruct(olds), OldInputs = Structs.ToStruct(oldInputs), News = Structs.ToStruct(news),
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
            Olds = Structs.ToStruct(old.Outputs), OldInputs = Structs.ToStruct(old.Inputs), News = Structs.ToStruct(news),
            Timeout = timeout, Preview = preview,
        };
        request.IgnoreChanges.AddRange(ignoreChanges);
        return P.Call("Update", request, r => P.Client.UpdateAsync(r, cancellationToken: ct));
    }

    public Task DeleteAsync(ResourceState old, double timeout) =>
        P.Call("Delete", new DeleteRequest
        {
            Id = old.Id, Urn = old.Urn, Name = old.Name, Type = old.Type,
            Properties = Structs.ToStruct(old.Outputs), OldInputs = Structs.ToStruct(old.Inputs), Timeout = timeout,
        }, r => P.Client.DeleteAsync(r, cancellationToken: ct));

    /// <summary>Refresh passes the old state; import passes nothing but the id.</summary>
    public Task<ReadResponse> ReadAsync(string urn, string type, string id, JsonObject? properties, JsonObject? inputs)
    {
        var request = new ReadRequest { Id = id, Urn = urn, Name = Urns.Name(urn), Type = type };
        if (properties is not null) request.Properties = Structs.ToStruct(properties);
        if (inputs is not null) request.Inputs = Structs.ToStruct(inputs);
        return P.Call("Read", request, r => P.Client.ReadAsync(r, cancellationToken: ct));
    }

    /// <summary>Check failures as the CLI prints them: the property and the reason.</summary>
    public static List<string> Failures(CheckResponse r) => r.Failures.Select(f => $"{f.Property}: {f.Reason}").ToList();

    /// <summary>The diff as the engine reads it: DIFF_UNKNOWN makes the engine compare old and new inputs itself.</summary>
    public static (bool Changed, bool Replace, List<PropertyChange> Changes) Interpret(DiffResponse d, JsonObject oldInputs, JsonObject news)
    {
        var changes = new List<PropertyChange>();
        if (d.HasDetailedDiff)
            changes.AddRange(d.DetailedDiff.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new PropertyChange(kv.Key, KindName(kv.Value.Kind))));
        else
            changes.AddRange(d.Diffs.Select(k => new PropertyChange(k, d.Replaces.Contains(k) ? "UPDATE_REPLACE" : "UPDATE")));
        foreach (var r in d.Replaces)
            if (!changes.Any(c => c.Path == r || c.Path.StartsWith(r + ".", StringComparison.Ordinal)))
                changes.Add(new PropertyChange(r, "UPDATE_REPLACE"));

        if (d.Changes == DiffResponse.Types.DiffChanges.DiffUnknown)
        {
            foreach (var key in oldInputs.Select(kv => kv.Key).Union(news.Select(kv => kv.Key)).Distinct())
                if (!JsonNode.DeepEquals(oldInputs[key], news[key]) && changes.All(c => c.Path != key))
                    changes.Add(new PropertyChange(key, oldInputs.ContainsKey(key) ? news.ContainsKey(key) ? "UPDATE" : "DELETE" : "ADD"));
        }
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

using System.Text.Json.Nodes;
using Google.Rpc;
using Grpc.Core;
using Pulumirpc;
using Speck.Harness.Protocol;

namespace Speck.Harness.Deployment;

/// <summary>
/// How the engine reads a failed provider call (docs/provider-errors.md §Status codes): an
/// <c>ErrorResourceInitFailed</c> detail means the resource exists (record it with its id, properties and reasons);
/// codes Unknown, Internal and DataLoss mean the outcome is unknown (the engine only marks the update "maybe corrupt",
/// update.go:1330-1332, pulumi v3.259.0); anything else failed cleanly. Either way the call came back, so its pending
/// operation ends (docs/pulumi-engine.md §Pending operations).
/// </summary>
public sealed record ProviderError(string Message, StatusCode Code, string? InitId, JsonObject? InitProperties, IReadOnlyList<string> InitReasons)
{
    /// <summary>The inputs an ErrorResourceInitFailed carries (Read fills them; parseError, provider_plugin.go).</summary>
    public JsonObject? InitInputs { get; init; }

    public bool IsInitFailure => InitId is not null;
    public bool OutcomeUnknown => !IsInitFailure && Code is StatusCode.Unknown or StatusCode.Internal or StatusCode.DataLoss;

    public static ProviderError From(RpcException e)
    {
        var status = e.GetRpcStatus();
        var detail = status?.Details.FirstOrDefault(d => d.Is(ErrorResourceInitFailed.Descriptor))?.Unpack<ErrorResourceInitFailed>();
        return detail is null
            ? new ProviderError(e.Status.Detail, e.StatusCode, null, null, [])
            : new ProviderError(e.Status.Detail, e.StatusCode, detail.Id, Structs.ToJson(detail.Properties), detail.Reasons.ToList())
            {
                InitInputs = detail.Inputs is null ? null : Structs.ToJson(detail.Inputs),
            };
    }
}

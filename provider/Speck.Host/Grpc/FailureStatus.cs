using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Pulumirpc;
using Speck.Host.Resources;
using Speck.Host.Values;
using Status = Google.Rpc.Status;

namespace Speck.Host.Grpc;

/// <summary>
/// The one place the host's failure kinds become gRPC statuses, as the engine reads them
/// (provider_plugin.go:2510-2522 (pulumi v3.259.0), see docs/provider-errors.md §Status codes): anything but
/// Unknown/Internal means "failed cleanly, nothing changed"; Unknown from Create/Update/Delete means the outcome is
/// not known; ErrorResourceInitFailed details mean the resource exists but is unhealthy. Every message is bounded
/// and scrubbed of the request's secrets.
/// </summary>
public static class FailureStatus
{
    /// <summary>Operations that change the world: an unexpected failure there leaves the outcome unknown.</summary>
    public static bool Changes(string op, bool preview) => !preview && op is "Create" or "Update" or "Delete";

    public static RpcException From(Exception e, string what, bool changes, SecretScrubber scrubber, bool cancelled)
    {
        string Text(string message) => Excerpt.StatusMessage(scrubber.Scrub(message));
        return e switch
        {
            RpcException r => new RpcException(new global::Grpc.Core.Status(r.StatusCode, Text(r.Status.Detail)), r.Trailers),
            InitFailure f => InitFailed(f, scrubber, Text(f.Message)),
            InvalidValueException v => Rpc(StatusCode.InvalidArgument, Text($"{what}: {v.Message}")),
            ProviderException p => Rpc(CodeOf(p.Kind), Text(p.Message)),
            InsufficientExecutionStackException => Rpc(StatusCode.InvalidArgument,
                Text($"{what}: a value is nested too deeply for the provider to handle")),
            OperationCanceledException when cancelled => Rpc(StatusCode.Cancelled, Text($"{what}: cancelled")),
            _ => Rpc(changes ? StatusCode.Unknown : StatusCode.Internal, Text($"{what}: {e.Message}")),
        };
    }

    public static StatusCode CodeOf(FailureKind kind) => kind switch
    {
        FailureKind.InvalidInput => StatusCode.InvalidArgument,
        FailureKind.PreconditionFailed => StatusCode.FailedPrecondition,
        FailureKind.NotFound => StatusCode.NotFound,
        FailureKind.Unavailable => StatusCode.Unavailable,
        FailureKind.Aborted => StatusCode.Aborted,
        FailureKind.OutcomeUnknown => StatusCode.Unknown,
        _ => StatusCode.Internal,
    };

    private static RpcException Rpc(StatusCode code, string message) => new(new global::Grpc.Core.Status(code, message));

    /// <summary>
    /// Bytes of ErrorResourceInitFailed a status may carry. The details travel base64-encoded in one trailer, and the
    /// engine's grpc-go client takes a response's header list up to 16 MiB (docs/provider-errors.md §Bounded messages).
    /// </summary>
    public const int InitFailureDetailBudget = 8 << 20;

    private static RpcException InitFailed(InitFailure f, SecretScrubber scrubber, string message)
    {
        var detail = InitFailureDetail(f, scrubber);
        var status = new Status { Code = (int)StatusCode.Unknown, Message = message, Details = { Any.Pack(detail) } };
        return status.ToRpcException();
    }

    /// <summary>
    /// The resource's state as the engine records it. Past the budget, what the engine already has goes first: the
    /// inputs (optional in the details), then the outputs that repeat them; then the largest others, each named.
    /// </summary>
    private static ErrorResourceInitFailed InitFailureDetail(InitFailure f, SecretScrubber scrubber)
    {
        var properties = f.Properties;
        var detail = Detail(f, properties, f.Inputs, scrubber, []);
        if (detail.CalculateSize() <= InitFailureDetailBudget) return detail;
        var inputs = f.Inputs ?? PropertyMap.Empty;
        properties = new PropertyMap(properties.Where(p => !(inputs.TryGetValue(p.Key, out var v) && v.Equals(p.Value))));
        var left = f.Properties.Keys.Except(properties.Keys).ToList();
        detail = Detail(f, properties, null, scrubber, left);
        foreach (var (key, _) in properties.OrderByDescending(p => StructCodec.Encode(p.Value).CalculateSize()))
        {
            if (detail.CalculateSize() <= InitFailureDetailBudget) break;
            properties = properties.Without(key);
            left.Add(key);
            detail = Detail(f, properties, null, scrubber, left);
        }
        return detail;
    }

    private static ErrorResourceInitFailed Detail(InitFailure f, PropertyMap properties, PropertyMap? inputs, SecretScrubber scrubber, IReadOnlyList<string> left)
    {
        var detail = new ErrorResourceInitFailed { Id = f.Id, Properties = StructCodec.Encode(properties) };
        detail.Reasons.AddRange(f.Reasons.Select(r => Excerpt.Of(scrubber.Scrub(r), 1000)));
        if (left.Count > 0)
            detail.Reasons.Add(Excerpt.Of($"the resource's state is too large for an error's details: {string.Join(", ", left)} left out of what is recorded", 1000));
        if (inputs is not null) detail.Inputs = StructCodec.Encode(inputs);
        return detail;
    }
}

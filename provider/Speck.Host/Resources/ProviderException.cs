using Grpc.Core;
using Speck.Host.Values;

namespace Speck.Host.Resources;

/// <summary>
/// A failure whose outcome is known. The code tells the engine what happened: anything but
/// Unknown/Internal/DataLoss means "failed cleanly, nothing changed".
/// </summary>
public class ProviderException(StatusCode code, string message, Exception? inner = null) : Exception(message, inner)
{
    public StatusCode Code { get; } = code;

    public static ProviderException Unavailable(string message, Exception? inner = null) => new(StatusCode.Unavailable, message, inner);
    public static ProviderException Invalid(string message) => new(StatusCode.InvalidArgument, message);
    public static ProviderException Precondition(string message) => new(StatusCode.FailedPrecondition, message);
    public static ProviderException NotFound(string message) => new(StatusCode.NotFound, message);
    /// <summary>The outcome is truly unknown: something may have been changed.</summary>
    public static ProviderException OutcomeUnknown(string message, Exception? inner = null) => new(StatusCode.Unknown, message, inner);
}

/// <summary>
/// The resource exists but is unhealthy. Thrown by typed resource code with its state; the engine records the
/// resource (so nothing is orphaned) and reports the reasons.
/// </summary>
public sealed class ResourceInitFailedException(string id, object state, IReadOnlyList<string> reasons)
    : Exception(string.Join("; ", reasons))
{
    public string Id { get; } = id;
    public object State { get; } = state;
    public IReadOnlyList<string> Reasons { get; } = reasons;
}

/// <summary>The wire form of <see cref="ResourceInitFailedException"/>: state already encoded.</summary>
public sealed class InitFailure(string id, PropertyMap properties, IReadOnlyList<string> reasons, PropertyMap? inputs = null)
    : Exception(string.Join("; ", reasons))
{
    public string Id { get; } = id;
    public PropertyMap Properties { get; } = properties;
    public IReadOnlyList<string> Reasons { get; } = reasons;
    public PropertyMap? Inputs { get; } = inputs;
}

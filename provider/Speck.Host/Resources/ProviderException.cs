using Speck.Host.Values;

namespace Speck.Host.Resources;

/// <summary>What kind of failure a resource operation met; the host alone turns it into the engine's status code.</summary>
public enum FailureKind
{
    /// <summary>The input cannot work, whatever the world looks like.</summary>
    InvalidInput,
    /// <summary>The world is not as the operation needs it (a job not running, a topic already taken).</summary>
    PreconditionFailed,
    NotFound,
    /// <summary>An engine or broker did not answer; nothing was changed.</summary>
    Unavailable,
    /// <summary>The operation was refused or undone midway and nothing changed (a savepoint that failed: the job keeps running).</summary>
    Aborted,
    /// <summary>The outcome is truly unknown: something may have been changed.</summary>
    OutcomeUnknown,
}

/// <summary>
/// A failure whose outcome is known, except for <see cref="FailureKind.OutcomeUnknown"/>. The kind tells the engine
/// what happened (mapped in <c>Grpc/FailureStatus.cs</c>): all others mean "failed cleanly, nothing changed".
/// </summary>
public class ProviderException(FailureKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public FailureKind Kind { get; } = kind;

    public static ProviderException Unavailable(string message, Exception? inner = null) => new(FailureKind.Unavailable, message, inner);
    public static ProviderException Invalid(string message) => new(FailureKind.InvalidInput, message);
    public static ProviderException Precondition(string message) => new(FailureKind.PreconditionFailed, message);
    public static ProviderException NotFound(string message) => new(FailureKind.NotFound, message);
    public static ProviderException Aborted(string message, Exception? inner = null) => new(FailureKind.Aborted, message, inner);
    public static ProviderException OutcomeUnknown(string message, Exception? inner = null) => new(FailureKind.OutcomeUnknown, message, inner);
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

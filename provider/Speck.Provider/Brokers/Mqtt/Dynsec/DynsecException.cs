using Speck.Host.Resources;

namespace Speck.Provider.Brokers.Mqtt.Dynsec;

public enum DynsecErrorKind
{
    /// <summary>The broker answered the command with an "error" string.</summary>
    BrokerError,
    Timeout,
    ConnectFailed,
    ConnectionLost,
    /// <summary>The admin user may not use the control topics (PUBACK/SUBACK 135).</summary>
    NotAuthorized,
    /// <summary>The answer could not be understood, or the request was refused before reaching the broker.</summary>
    InvalidRequest,
}

/// <summary>
/// A failed dynsec operation, and already the provider's failure: the one place where a dynsec failure becomes what
/// it means for the engine (<see cref="FailureOf"/>), so the binders call the client without translating. Carries the
/// command name and its subject (user, role or group name) but never the request payload, so a password cannot end up
/// in an error message or log.
/// </summary>
public sealed class DynsecException(
    DynsecErrorKind kind,
    string command,
    string? subject,
    string endpointUrl,
    string reason,
    string? brokerError = null,
    Exception? inner = null) : ProviderException(FailureOf(kind), $"MQTT broker at {endpointUrl}: {reason}", inner)
{
    public DynsecErrorKind ErrorKind { get; } = kind;
    public string Command { get; } = command;
    public string? Subject { get; } = subject;
    public string EndpointUrl { get; } = endpointUrl;

    /// <summary>What went wrong, without the "MQTT broker at" prefix of <see cref="Exception.Message"/>.</summary>
    public string Reason { get; } = reason;

    /// <summary>The broker's error text, for example "Role not found"; null unless <see cref="ErrorKind"/> is BrokerError.</summary>
    public string? BrokerError { get; } = brokerError;

    /// <summary>
    /// An admin connection that could not be opened changed nothing; a command sent whose answer never came may have
    /// been carried out; an answer refusing the command is the world not being as the operation needs it.
    /// </summary>
    public static FailureKind FailureOf(DynsecErrorKind kind) => kind switch
    {
        DynsecErrorKind.ConnectFailed => FailureKind.Unavailable,
        DynsecErrorKind.Timeout or DynsecErrorKind.ConnectionLost => FailureKind.OutcomeUnknown,
        _ => FailureKind.PreconditionFailed,
    };
}

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
/// A failed dynsec operation. Carries the command name and its subject (user, role or group name) but never
/// the request payload, so a password cannot end up in an error message or log.
/// </summary>
public class DynsecException(
    DynsecErrorKind kind,
    string command,
    string? subject,
    string endpointUrl,
    string message,
    string? brokerError = null,
    Exception? inner = null) : Exception(message, inner)
{
    public DynsecErrorKind Kind { get; } = kind;
    public string Command { get; } = command;
    public string? Subject { get; } = subject;
    public string EndpointUrl { get; } = endpointUrl;

    /// <summary>The broker's error text, for example "Role not found"; null unless <see cref="Kind"/> is BrokerError.</summary>
    public string? BrokerError { get; } = brokerError;
}

namespace Speck.Provider.Model;

/// <summary>
/// An engine or a broker did not answer as it should; the message says which and why. Thrown by the probes of both
/// kinds of binder, so it lives beside the endpoints they probe.
/// </summary>
public sealed class EndpointUnreachableException(string message, Exception? inner = null) : Exception(message, inner);

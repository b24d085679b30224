using Speck.Provider.Model;

namespace Speck.Provider.Spe;

/// <summary>What a site's engine told us about itself.</summary>
public sealed record SpeProbe(string Version, string Summary);

/// <summary>
/// One stream processing engine behind the resources. Each engine kind has one binder; StreamJob adds the job
/// operations here.
/// </summary>
public interface ISpeBinder
{
    SpeKind Kind { get; }

    /// <summary>Asks the engine who it is. Throws <see cref="EndpointUnreachableException"/> with a readable reason.</summary>
    Task<SpeProbe> ProbeAsync(SpeEndpoint endpoint, CancellationToken ct);
}

/// <summary>An engine or broker did not answer as it should; the message says which and why.</summary>
public sealed class EndpointUnreachableException(string message, Exception? inner = null) : Exception(message, inner);

namespace Speck.Host.Resources;

/// <summary>How much a message to the user matters (the engine's LogSeverity; named apart from .NET's LogLevel).</summary>
public enum MessageSeverity { Debug, Info, Warning, Error }

/// <summary>Where a provider's messages for the user go: the engine's Log service, tied to a resource URN.</summary>
public interface IEngineLog
{
    Task LogAsync(MessageSeverity level, string message, string? urn, CancellationToken ct = default);

    /// <summary>A status line: shown while the operation runs, not kept (the engine's ephemeral log).</summary>
    Task StatusAsync(string message, string? urn, CancellationToken ct = default);
}

/// <summary>Everything a resource operation knows about the call it serves.</summary>
public sealed class ResourceContext
{
    public required string Urn { get; init; }
    public required string Name { get; init; }
    public required string Type { get; init; }
    public string Id { get; init; } = "";
    public bool Preview { get; init; }
    /// <summary>The engine's timeout for this operation (customTimeouts), or null for the resource's default.</summary>
    public TimeSpan? Timeout { get; init; }
    public required IEngineLog Log { get; init; }
    /// <summary>Tells the host of a secret the resource made (a generated password): it never leaves in a message.</summary>
    public Action<string> KeepSecret { get; init; } = _ => { };
    public CancellationToken CancellationToken { get; init; }

    public Task InfoAsync(string message) => Log.LogAsync(MessageSeverity.Info, message, Urn, CancellationToken);
    public Task WarnAsync(string message) => Log.LogAsync(MessageSeverity.Warning, message, Urn, CancellationToken);
    public Task DebugAsync(string message) => Log.LogAsync(MessageSeverity.Debug, message, Urn, CancellationToken);

    /// <summary>When the first status line of a long wait is sent, and how often it is renewed.</summary>
    public TimeSpan StatusAfter { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan StatusEvery { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Status lines for the long waits of this operation, at <paramref name="place"/> ("on site 'edge-1'").</summary>
    public WaitProgress Progress(string place) =>
        new WaitProgress(m => Log.StatusAsync(m, Urn, CancellationToken), "", StatusAfter, StatusEvery).At(place);

    /// <summary>A token that fires at the engine's timeout (or <paramref name="fallback"/>) or on cancellation.</summary>
    public CancellationTokenSource Deadline(TimeSpan fallback)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken);
        cts.CancelAfter(Timeout ?? fallback);
        return cts;
    }
}

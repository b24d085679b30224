using System.Text.Json;
using Speck.Host.Values;
using Speck.Provider.Model;

namespace Speck.Provider.Spe;

/// <summary>
/// A job's processing given as engine nodes instead of a file: a function body, or a list of nodes (exactly one).
/// An engine that runs files (jars) has no use for it.
/// </summary>
public sealed record JobProcessing(string? Function, IReadOnlyList<JsonElement>? Nodes);

/// <summary>
/// What a resource says a job is, the same for every engine: its code (a file, or processing given inline), where it
/// reads and writes, and the broker logins it connects with. The site's binder makes its engine's artifact from it
/// (<see cref="ISpeBinder.PrepareAsync"/>). Members a preview does not know yet are null.
/// </summary>
public sealed record JobSource
{
    /// <summary>The job's stable identity (its URN); an engine may derive ids from it.</summary>
    public required string Key { get; init; }

    /// <summary>The job's name as the user gave it (the resource name).</summary>
    public required string Name { get; init; }

    public required SiteConnection Site { get; init; }

    /// <summary>The job's code file as an asset (input <c>artifact</c>).</summary>
    public AssetValue? Asset { get; init; }

    /// <summary>The job's code file as a local path (input <c>jarPath</c>).</summary>
    public string? Path { get; init; }

    /// <summary>The job's processing given inline (input <c>nodeRed</c>).</summary>
    public JobProcessing? Processing { get; init; }

    public string? EntryClass { get; init; }

    /// <summary>Whether updates are to keep the job's state through a savepoint; null when the input does not say.</summary>
    public bool? SavepointUpgrades { get; init; }

    public bool SavepointOnDelete { get; init; }

    /// <summary>What the job asks of its engine's state handling beyond savepoint upgrades, by input (Check refuses what the engine lacks).</summary>
    public StateOptions State { get; init; } = new();

    public IReadOnlyList<TopicEndpoint>? Sources { get; init; }
    public TopicEndpoint? Sink { get; init; }

    /// <summary>The job's own broker logins; a topic on a broker without one connects with its endpoint's credentials.</summary>
    public IReadOnlyList<BrokerLogin> Logins { get; init; } = [];

    /// <summary>
    /// Set when the source describes a job deployed earlier: the sha256 its state recorded. The engine sends old
    /// assets with their content elided to this hash, so the binder may have to find the code on the site by it.
    /// </summary>
    public string? DeployedSha256 { get; init; }

    /// <summary>Never prints the logins' passwords (records print every member by default).</summary>
    public override string ToString() => $"job '{Name}' ({Key})";
}

/// <summary>
/// A job's state handling as its inputs ask for it: which input asks for each (null: not asked), so an engine that
/// lacks it can refuse it naming the input.
/// </summary>
public sealed record StateOptions
{
    /// <summary>Updates resume from a retained checkpoint (<c>upgradeMode: last-state</c>).</summary>
    public bool CheckpointUpgrades { get; init; }
    /// <summary>Engine configuration for the job alone (<c>flinkConfiguration</c>).</summary>
    public bool EngineConfiguration { get; init; }
    public bool InitialSavepoint { get; init; }
    public bool SavepointsOnDemand { get; init; }
    public bool SavepointRetention { get; init; }
}

/// <summary>A Check failure of a job's description, by the resource input it is about.</summary>
public sealed record JobProblem(string Path, string Problem);

/// <summary>
/// A job's description as Check sees it: <see cref="Unknown"/> says which inputs a preview does not know yet,
/// <see cref="Failed"/> which already failed a check (so as not to report them twice).
/// </summary>
public sealed record JobCheck(JobSource Job, Func<string, bool> Unknown, Func<string, bool> Failed);

/// <summary>What an engine can do, for the resource's defaults and updates.</summary>
public sealed record SpeTraits
{
    /// <summary>Stops jobs with savepoints and starts them from one; without, jobs default to <c>stateless</c>.</summary>
    public required bool KeepsSavepoints { get; init; }

    /// <summary>Replaces a running job's code in place (only what changed restarts) instead of stopping and starting it.</summary>
    public required bool UpdatesInPlace { get; init; }
}

using System.Text.Json.Nodes;

namespace Speck.Harness.Monitor;

/// <summary>
/// What the engine's RunRequest tells a language host (proto/pulumi/language.proto RunRequest, pulumi v3.259.0):
/// where the monitor and engine listen, the project and stack, the program's folders and entry point, dry run,
/// parallelism, the stack's config (<c>ns:key</c> → plain text) and which of its keys are secret, and the runtime's
/// options from <c>Pulumi.yaml</c>.
/// </summary>
public sealed record ProgramRunInfo
{
    public required string MonitorAddress { get; init; }
    public required string EngineAddress { get; init; }
    public required string Project { get; init; }
    public required string Stack { get; init; }
    public required string RootDirectory { get; init; }
    public required string ProgramDirectory { get; init; }

    /// <summary>The project's <c>main</c>, relative to the program directory; "." when it has none.</summary>
    public string EntryPoint { get; init; } = ".";
    public bool DryRun { get; init; }
    public int Parallel { get; init; }
    public IReadOnlyDictionary<string, string> Config { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> ConfigSecretKeys { get; init; } = [];
    public JsonObject RuntimeOptions { get; init; } = new();
}

/// <summary>A process the language host starts: the file, its arguments, what it adds to the environment, and where it runs.</summary>
public sealed record Launch(string FileName, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment, string WorkingDirectory)
{
    public override string ToString() => $"{FileName} {string.Join(' ', Arguments)}";
}

/// <summary>
/// A language host as the engine runs one (<c>pulumi-language-&lt;runtime&gt;</c>): the processes that run the program,
/// the last of them the program itself, which talks to the monitor and the engine; the others (a build) must
/// succeed first.
/// </summary>
public interface ILanguageHost
{
    Task<IReadOnlyList<Launch>> LaunchesAsync(ProgramRunInfo info, CancellationToken ct);

    /// <summary>What the host makes of a build step's failure (the program itself is judged by <see cref="ProgramExit"/>).</summary>
    string BuildFailed(Launch build, int exitCode, string output);
}

public static class LanguageHosts
{
    /// <summary>The language hosts speck-engine can act as, by <c>runtime:</c> name.</summary>
    public static ILanguageHost? For(string runtime) => runtime switch
    {
        "nodejs" => new NodeLanguageHost(),
        "dotnet" => new DotnetLanguageHost(),
        _ => null,
    };
}

/// <summary>How both language hosts read the program's exit code.</summary>
public static class ProgramExit
{
    /// <summary>
    /// The exit code a program's SDK uses after it has shown the user its error: the host bails without a message of its
    /// own (nodeJSProcessExitedAfterShowingUserActionableMessage, sdk/nodejs/cmd/pulumi-language-nodejs/main.go:110
    /// (pulumi v3.259.0); dotnetProcessExitedAfterShowingUserActionableMessage, pulumi-language-dotnet/main.go:66).
    /// </summary>
    public const int AlreadyReported = 32;

    /// <summary>Null when the run succeeded, "" for a bail (the error was reported already), else the host's error text.</summary>
    public static string? Error(int exitCode) => exitCode switch
    {
        0 => null,
        AlreadyReported => "",
        _ => $"Program exited with non-zero exit code: {exitCode}",
    };
}

using System.Globalization;
using System.Text.Json;
using Speck.Harness.Program;

namespace Speck.Harness.Monitor;

/// <summary>
/// <c>pulumi-language-dotnet</c> (pulumi/pulumi-dotnet, pulumi-language-dotnet/main.go at v3.112.1-3-g5e61d9ad):
/// <c>dotnet build -nologo &lt;project&gt;</c> first (DotnetBuild, :518-533, run by GetRequiredPackages before the
/// engine calls Run), then <c>dotnet run --no-build --project &lt;project&gt;</c> in the program directory, or the
/// <c>binary</c> option's <c>dotnet &lt;x.dll&gt;</c> or self-contained executable (Run, :726-790), with the run's
/// facts as PULUMI_* variables (constructEnv, :889-916): MONITOR, ENGINE, PROJECT, ROOT_DIRECTORY, STACK, PWD,
/// DRY_RUN, QUERY_MODE=false, PARALLEL, CONFIG (the keys as the engine gives them, <c>ns:key</c>),
/// CONFIG_SECRET_KEYS, ATTACH_DEBUGGER. Exit code 32 means the program already reported its error.
/// The Pulumi NuGet package is not served on this machine, so no such program is run by the tests: only what this
/// class builds is checked (tests/Speck.Harness/README.md).
/// </summary>
public sealed class DotnetLanguageHost : ILanguageHost
{
    public Task<IReadOnlyList<Launch>> LaunchesAsync(ProgramRunInfo info, CancellationToken ct) => Task.FromResult(Launches(info));

    public static IReadOnlyList<Launch> Launches(ProgramRunInfo info)
    {
        var (binary, executor) = Options(info);
        var env = Environment(info);
        var project = ProjectPath(info.ProgramDirectory, info.EntryPoint);
        if (binary is not null)
            return binary.EndsWith(".dll", StringComparison.Ordinal)
                ? [new Launch(executor, [binary], env, info.ProgramDirectory)]
                : [new Launch(binary, [], env, info.ProgramDirectory)];
        return
        [
            new Launch(executor, ["build", "-nologo", project], new Dictionary<string, string>(), info.ProgramDirectory),
            new Launch(executor, ["run", "--no-build", "--project", project], env, info.ProgramDirectory),
        ];
    }

    /// <summary>RunDotnetCommand's error (main.go:612-619).</summary>
    public string BuildFailed(Launch build, int exitCode, string output) =>
        $"'dotnet {string.Join(' ', build.Arguments)}' exited with non-zero exit code: {exitCode}" + (output.Length > 0 ? "\n" + output.Trim() : "");

    /// <summary>resolveProjectPath (main.go:633-639): the program directory, or the entry point inside it.</summary>
    public static string ProjectPath(string programDirectory, string entryPoint) =>
        entryPoint is "" or "." ? programDirectory : Path.Combine(programDirectory, entryPoint);

    /// <summary>parseOptions (main.go:163-198): <c>binary</c> and <c>use-executor</c> (default <c>dotnet</c> on the PATH).</summary>
    public static (string? Binary, string Executor) Options(ProgramRunInfo info)
    {
        string? Str(string key) => info.RuntimeOptions[key] switch
        {
            null => null,
            System.Text.Json.Nodes.JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => throw new HarnessException($"{key} option must be a string"),
        };
        return (Str("binary"), Str("use-executor") ?? "dotnet");
    }

    /// <summary>constructEnv: each variable only when it has a value.</summary>
    public static IReadOnlyDictionary<string, string> Environment(ProgramRunInfo info)
    {
        var env = new Dictionary<string, string>();
        void Add(string key, string value)
        {
            if (value.Length > 0) env["PULUMI_" + key.ToUpperInvariant()] = value;
        }
        Add("monitor", info.MonitorAddress);
        Add("engine", info.EngineAddress);
        Add("project", info.Project);
        Add("root_directory", info.RootDirectory);
        Add("stack", info.Stack);
        Add("pwd", info.ProgramDirectory);
        Add("dry_run", info.DryRun ? "true" : "false");
        // The engine has no query mode any more; the SDK still expects the variable (Deployment.cs).
        Add("query_mode", "false");
        Add("parallel", info.Parallel.ToString(CultureInfo.InvariantCulture));
        Add("config", JsonSerializer.Serialize(info.Config));
        Add("config_secret_keys", JsonSerializer.Serialize(info.ConfigSecretKeys));
        Add("attach_debugger", "false");
        return env;
    }
}

using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Speck.Harness.Program;

namespace Speck.Harness.Monitor;

/// <summary>
/// <c>pulumi-language-nodejs</c>'s Run (sdk/nodejs/cmd/pulumi-language-nodejs/main.go (pulumi v3.259.0)): finds
/// <c>@pulumi/pulumi/cmd/run</c> as node resolves it from the program directory (locateModule, :202-260; the
/// program's own node_modules first, then its parents', then NODE_PATH), and runs
/// <c>node [nodeargs] &lt;run&gt; --monitor … --engine … --project … --root-directory … --stack … --pwd … [--dry-run] --parallel N &lt;entry&gt;</c>
/// (constructArguments, :1086-1116) with PULUMI_CONFIG (keys as <c>ns:config:key</c>, constructConfig :1120-1146),
/// PULUMI_CONFIG_SECRET_KEYS and, for the <c>typescript</c> option (true unless set), PULUMI_NODEJS_TYPESCRIPT
/// (execRuntime, :896-930). No <c>--sync</c> pipes (they carry only synchronous invokes, which are not served) and
/// no <c>--organization</c> (a local backend has none to give).
/// </summary>
public sealed class NodeLanguageHost : ILanguageHost
{
    /// <summary>The module the host runs (defaultRunPath, main.go:98); PULUMI_LANGUAGE_NODEJS_RUN_PATH overrides it.</summary>
    public const string DefaultRunPath = "@pulumi/pulumi/cmd/run";

    public async Task<IReadOnlyList<Launch>> LaunchesAsync(ProgramRunInfo info, CancellationToken ct)
    {
        var runPath = Environment.GetEnvironmentVariable("PULUMI_LANGUAGE_NODEJS_RUN_PATH") is { Length: > 0 } p ? p : DefaultRunPath;
        return [Program(info, await LocateModuleAsync(runPath, info.ProgramDirectory, ct))];
    }

    public string BuildFailed(Launch build, int exitCode, string output) => throw new InvalidOperationException("the Node.js host has no build step");

    /// <summary>The node process for <paramref name="info"/>, with the run module found at <paramref name="runPath"/>.</summary>
    public static Launch Program(ProgramRunInfo info, string runPath)
    {
        var options = Options(info.RuntimeOptions);
        var env = new Dictionary<string, string>
        {
            ["PULUMI_CONFIG"] = Config(info.Config),
            ["PULUMI_CONFIG_SECRET_KEYS"] = JsonSerializer.Serialize(info.ConfigSecretKeys),
        };
        if (options.TypeScript) env["PULUMI_NODEJS_TYPESCRIPT"] = "true";
        if (options.TsConfigPath is { } ts) env["PULUMI_NODEJS_TSCONFIG_PATH"] = ts;
        return new Launch("node", [.. options.NodeArgs, .. Arguments(info, runPath)], env, info.ProgramDirectory);
    }

    /// <summary>constructArguments: each flag only when it has a value, then the entry point.</summary>
    public static IReadOnlyList<string> Arguments(ProgramRunInfo info, string runPath)
    {
        var args = new List<string> { runPath };
        void Add(string key, string value)
        {
            if (value.Length > 0) args.AddRange(["--" + key, value]);
        }
        Add("monitor", info.MonitorAddress);
        Add("engine", info.EngineAddress);
        Add("project", info.Project);
        Add("root-directory", info.RootDirectory);
        Add("stack", info.Stack);
        Add("pwd", info.ProgramDirectory);
        if (info.DryRun) args.Add("--dry-run");
        Add("parallel", info.Parallel.ToString(System.Globalization.CultureInfo.InvariantCulture));
        args.Add(info.EntryPoint);
        return args;
    }

    /// <summary>constructConfig: <c>pkg:key</c> becomes <c>pkg:config:key</c>, the form older @pulumi/pulumi reads too.</summary>
    public static string Config(IReadOnlyDictionary<string, string> config)
    {
        var transformed = new JsonObject();
        foreach (var (key, value) in config)
        {
            var colon = key.IndexOf(':');
            if (colon < 0) throw new HarnessException($"config key '{key}' has no namespace");
            transformed[$"{key[..colon]}:config:{key[(colon + 1)..]}"] = value;
        }
        return transformed.ToJsonString();
    }

    /// <summary>parseOptions (main.go:270-360): <c>typescript</c> (default true), <c>tsconfig</c>, <c>nodeargs</c>.</summary>
    public static (bool TypeScript, string? TsConfigPath, IReadOnlyList<string> NodeArgs) Options(JsonObject options)
    {
        var typeScript = options["typescript"] switch
        {
            null => true,
            JsonValue v when v.TryGetValue<bool>(out var b) => b,
            _ => throw new HarnessException("typescript option must be a boolean"),
        };
        var tsconfig = options["tsconfig"]?.GetValue<string>();
        var nodeargs = options["nodeargs"]?.GetValue<string>() ?? "";
        return (typeScript, tsconfig, nodeargs.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>locateModule: <c>node -e "console.log(require.resolve(mod))"</c> in the program directory.</summary>
    public static async Task<string> LocateModuleAsync(string module, string programDirectory, CancellationToken ct)
    {
        var script = $"try {{ console.log(require.resolve('{module}')); }} catch (error) {{ if (error.code === 'MODULE_NOT_FOUND') " +
            "{ console.error(\"It looks like the Pulumi SDK has not been installed. Have you run pulumi install?\") } " +
            "else { console.error(error.message); } process.exit(1); }";
        var start = new ProcessStartInfo("node") { WorkingDirectory = programDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-e");
        start.ArgumentList.Add(script);
        Process process;
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception e) { throw new HarnessException($"could not find node on the $PATH: {e.Message}"); }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            if (process.ExitCode != 0) throw new HarnessException((await stderr).Trim());
            return (await stdout).Trim();
        }
    }
}

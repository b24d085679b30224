using Speck.Harness;

// speck-engine: a stand-in for the `pulumi` CLI that runs a program (Pulumi YAML, or Node.js / .NET through its resource
// monitor) against a provider binary.
// Usage: speck-engine <preview|up|refresh|destroy|output[:NAME]> [--cwd DIR] [--stack NAME] [--provider PATH] [--yes] [--skip-preview]
//                     [--plan] [--grpc-log FILE] [--parallel N] [-v=N] [--clear-pending-creates] [--skip-pending-creates]
// --parallel defaults as the CLI's does: PULUMI_PARALLEL if positive, else 4 × processors.
var (command, dir, stack, provider, grpcLog, parallel, flags) = ("", ".", "dev", Environment.GetEnvironmentVariable("SPECK_PROVIDER"),
    Environment.GetEnvironmentVariable("PULUMI_DEBUG_GRPC"), StackOptions.DefaultParallel(), new List<string>());
var (skipPreview, holdToPlan, clearPendingCreates, skipPendingCreates) = (false, false, false, false);
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--cwd" or "-C": dir = Next(); break;
        case "--stack" or "-s": stack = Next(); break;
        case "--provider": provider = Next(); break;
        case "--grpc-log": grpcLog = Next(); break;
        case "--parallel" or "-p": parallel = int.Parse(Next()); break;
        case "--skip-preview": skipPreview = true; break;
        // `pulumi up --plan`: the update fails on any step its preview did not show (docs/pulumi-engine.md §Plans).
        case "--plan": holdToPlan = true; break;
        // refresh's flags for pending creates (pkg/cmd/pulumi/operations/refresh.go:281-327, 480-489 (pulumi v3.259.0)); the
        // harness never asks, as the CLI does not when run non-interactively, so --skip-pending-creates changes nothing.
        case "--clear-pending-creates": clearPendingCreates = true; break;
        case "--skip-pending-creates": skipPendingCreates = true; break;
        case "--yes" or "-y" or "--non-interactive": break;
        case var f when f.StartsWith("-v=", StringComparison.Ordinal): flags.AddRange(["--logtostderr", f]); break;
        case var c when !c.StartsWith('-') && command.Length == 0: command = c; break;
        default: return Usage($"unknown argument '{args[i]}'");
    }
}
if (command.StartsWith("output", StringComparison.Ordinal))
{
    // `pulumi stack output NAME`: a stack output from the state; secrets are not shown.
    var outputs = new Stack(new StackOptions { ProgramDirectory = Path.GetFullPath(dir), Stack = stack, ProviderBinary = "" }).LoadState().Outputs;
    var name = command.Length > "output:".Length ? command["output:".Length..] : null;
    foreach (var (k, v) in outputs.Where(kv => name is null || kv.Key == name))
        Console.WriteLine(name is null ? $"{k}: {Summary.Show(v)}" : Summary.Show(v).Trim('"'));
    return outputs.ContainsKey(name ?? "") || name is null ? 0 : 1;
}
if (command is not ("preview" or "up" or "update" or "refresh" or "destroy")) return Usage(command.Length == 0 ? "no command" : $"unknown command '{command}'");
if (skipPendingCreates && clearPendingCreates) return Usage("cannot set both --skip-pending-creates and --clear-pending-creates");
provider ??= Path.Combine(AppContext.BaseDirectory, "pulumi-resource-speck");
if (!File.Exists(provider))
{
    var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(p => Path.Combine(p, "pulumi-resource-speck")).FirstOrDefault(File.Exists);
    if (onPath is null) return Usage("pulumi-resource-speck not found: pass --provider or set SPECK_PROVIDER");
    provider = onPath;
}

var stackRun = new Stack(new StackOptions
{
    ProgramDirectory = Path.GetFullPath(dir), Stack = stack, ProviderBinary = Path.GetFullPath(provider),
    GrpcLogPath = grpcLog is null ? null : Path.GetFullPath(grpcLog), Parallel = parallel, ProviderFlags = flags,
    Out = Environment.GetEnvironmentVariable("SPECK_ENGINE_LIVE_LOG") == "1" ? Console.Out : null,
});
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
var result = command switch
{
    "preview" => await stackRun.PreviewAsync(cancel.Token),
    "up" or "update" => await stackRun.UpAsync(skipPreview, holdToPlan, cancel.Token),
    "refresh" => await stackRun.RefreshAsync(new RefreshOptions { ClearPendingCreates = clearPendingCreates }, cancel.Token),
    _ => await stackRun.DestroyAsync(cancel.Token),
};
if (result.Preview is { } preview)
{
    Summary.Write(preview, Console.Out);
    Console.WriteLine();
}
if (result.Preview is null || result.Preview.Succeeded) Summary.Write(result, Console.Out);
return result.Succeeded ? 0 : 1;

static int Usage(string problem)
{
    Console.Error.WriteLine($"speck-engine: {problem}");
    Console.Error.WriteLine("usage: speck-engine <preview|up|refresh|destroy|output[:NAME]> [--cwd DIR] [--stack NAME] [--provider PATH] [--yes] [--skip-preview] [--plan] [--grpc-log FILE] [--parallel N] [-v=N] [--clear-pending-creates] [--skip-pending-creates]");
    return 2;
}

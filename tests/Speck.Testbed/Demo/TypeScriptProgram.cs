using System.Diagnostics;

namespace Speck.Testbed.Demo;

/// <summary>
/// A working copy of a TypeScript Pulumi program laid out as <c>npm install</c> leaves one: the program's files, and
/// <c>node_modules</c> holding the pinned <c>@pulumi/pulumi</c> and <c>typescript</c> (tests/wire, by lock file;
/// Pulumi's runtime compiles the program with that <c>typescript</c> and its own ts-node) and
/// <c>@speck/pulumi-speck</c> built from sdk/nodejs as a user gets it: compiled by its <c>build</c> script (tsc) and
/// installed as a copy, so that its <c>require("@pulumi/pulumi")</c> finds the program's one.
/// </summary>
public static class TypeScriptProgram
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _builtSdk;

    /// <param name="source">The program's folder (e.g. examples/road-traffic/typescript); its files are copied.</param>
    /// <param name="dir">The working copy's folder, made if missing.</param>
    public static async Task CreateAsync(string source, string dir, CancellationToken ct = default)
    {
        var root = RepoRoot.Find();
        var wire = Path.Combine(root, "tests", "wire", "node_modules");
        if (!File.Exists(Path.Combine(wire, "typescript", "bin", "tsc")))
            throw new InvalidOperationException("tests/wire/node_modules is missing: run 'npm ci --prefix tests/wire' (make test does)");
        Directory.CreateDirectory(dir);
        foreach (var file in Directory.GetFiles(source))
            File.Copy(file, Path.Combine(dir, Path.GetFileName(file)), overwrite: true);

        var modules = Directory.CreateDirectory(Path.Combine(dir, "node_modules")).FullName;
        foreach (var entry in Directory.GetDirectories(wire))
        {
            var name = Path.GetFileName(entry);
            if (name.StartsWith('.')) continue;
            if (!name.StartsWith('@')) { Directory.CreateSymbolicLink(Path.Combine(modules, name), entry); continue; }
            var scope = Directory.CreateDirectory(Path.Combine(modules, name)).FullName;
            foreach (var package in Directory.GetDirectories(entry))
                Directory.CreateSymbolicLink(Path.Combine(scope, Path.GetFileName(package)), package);
        }
        CopyDirectory(await BuiltSdkAsync(root, wire, ct), Path.Combine(modules, "@speck", "pulumi-speck"));
    }

    /// <summary>sdk/nodejs compiled once per process, into a temporary folder: its package as it would be published.</summary>
    private static async Task<string> BuiltSdkAsync(string root, string wire, CancellationToken ct)
    {
        await Gate.WaitAsync(ct);
        try
        {
            if (_builtSdk is not null && Directory.Exists(_builtSdk)) return _builtSdk;
            var work = Directory.CreateTempSubdirectory("speck-sdk-nodejs-").FullName;
            CopyDirectory(Path.Combine(root, "sdk", "nodejs"), work);
            Directory.CreateSymbolicLink(Path.Combine(work, "node_modules"), wire);
            await RunAsync("node", [Path.Combine(wire, "typescript", "bin", "tsc"), "-p", Path.Combine(work, "tsconfig.json")], work, ct);
            var bin = Path.Combine(work, "bin");
            foreach (var file in new[] { "package.json", "README.md" })
                File.Copy(Path.Combine(work, file), Path.Combine(bin, file), overwrite: true);
            return _builtSdk = bin;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task RunAsync(string file, string[] args, string cwd, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(file, args) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); throw new TimeoutException($"{file} did not finish in 3 minutes"); }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(args[0])} failed ({process.ExitCode}):\n{await stdout}{await stderr}");
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        foreach (var sub in Directory.GetDirectories(from))
            if (Path.GetFileName(sub) is not ("node_modules" or "bin")) CopyDirectory(sub, Path.Combine(to, Path.GetFileName(sub)));
    }
}

using System.Diagnostics;

namespace Speck.Tests.Sdk;

/// <summary>
/// sdk/nodejs compiles with tsc against the pinned @pulumi/pulumi (tests/sdk-typecheck/package-lock.json; `make test`
/// runs `npm ci` there). The SDK is copied under tests/sdk-typecheck/work/ so that its imports resolve to those
/// modules, as they would in a project that installed it.
/// </summary>
public class NodeSdkCompileTests
{
    private static readonly string TypeCheck = Path.Combine(RepoPaths.Root, "tests", "sdk-typecheck");

    [Fact]
    public void The_nodejs_sdk_compiles_with_tsc_against_the_pinned_pulumi_package()
    {
        var (code, output) = Compile(Path.Combine(RepoPaths.Root, "sdk", "nodejs"), mutate: null);
        Assert.True(code == 0, "tsc failed on sdk/nodejs:\n" + output);
    }

    [Fact]
    public void The_check_fails_on_a_type_error()
    {
        // A required output read as a number where the SDK declares a string: what a wrong type string would cause.
        var (code, output) = Compile(Path.Combine(RepoPaths.Root, "sdk", "nodejs"), mutate: dir =>
            File.AppendAllText(Path.Combine(dir, "topic.ts"), "\nexport const wrong: number = (undefined as any as Topic).name;\n"));
        Assert.NotEqual(0, code);
        Assert.Contains("topic.ts", output);
    }

    [Fact]
    public void The_typescript_pipeline_example_compiles_against_the_sdk()
    {
        // examples/speck-pipeline/typescript imports the package by name; here it is the SDK folder itself.
        var example = File.ReadAllText(Path.Combine(RepoPaths.Examples, "speck-pipeline", "typescript", "index.ts"));
        var (code, output) = Compile(Path.Combine(RepoPaths.Root, "sdk", "nodejs"), mutate: dir =>
        {
            File.WriteAllText(Path.Combine(dir, "example.ts"), example.Replace("\"@speck/pulumi-speck\"", "\"./index\""));
            var tsconfig = Path.Combine(dir, "tsconfig.json");
            File.WriteAllText(tsconfig, File.ReadAllText(tsconfig).Replace("\"files\": [", "\"files\": [\n        \"example.ts\","));
        });
        Assert.True(code == 0, "tsc failed on the example:\n" + output);
    }

    private static (int Code, string Output) Compile(string sdk, Action<string>? mutate)
    {
        var tsc = Path.Combine(TypeCheck, "node_modules", "typescript", "bin", "tsc");
        Assert.True(File.Exists(tsc), "tests/sdk-typecheck is not installed: run `npm ci --prefix tests/sdk-typecheck` (make test does)");
        var work = Path.Combine(TypeCheck, "work", Guid.NewGuid().ToString("n"));
        try
        {
            CopyDirectory(sdk, work);
            mutate?.Invoke(work);
            var psi = new ProcessStartInfo("node", [tsc, "-p", Path.Combine(work, "tsconfig.json"), "--noEmit"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = work,
            };
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(180_000))
            {
                p.Kill(entireProcessTree: true);
                throw new TimeoutException("tsc did not finish in 3 minutes");
            }
            return (p.ExitCode, stdout.Result + stderr.Result);
        }
        finally
        {
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(from, file);
            if (rel.StartsWith("node_modules", StringComparison.Ordinal) || rel.StartsWith("bin", StringComparison.Ordinal)) continue;
            var target = Path.Combine(to, rel);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

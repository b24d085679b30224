using Speck.Harness;

namespace Speck.Tests.Harness.Monitor;

/// <summary>
/// A Node.js program's folder for the harness: <c>Pulumi.yaml</c> with <c>runtime: nodejs</c> (typescript off: no
/// ts-node is installed), <c>index.js</c>, the stack's config, and <c>node_modules</c> linked to tests/wire's, where
/// the pinned @pulumi/pulumi is installed (package-lock.json), so both the program's <c>require</c> and the language
/// host's lookup of <c>@pulumi/pulumi/cmd/run</c> find it as they would in a project folder.
/// </summary>
public sealed class NodeProgramDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("speck-node-").FullName;
    public Stack Stack { get; }
    public string GrpcLog => System.IO.Path.Combine(Path, "grpc.jsonl");

    public NodeProgramDir(string project, string indexJs, IDictionary<string, string> config, string stack = "dev")
    {
        var wire = System.IO.Path.Combine(RepoPaths.Root, "tests", "wire", "node_modules");
        if (!Directory.Exists(System.IO.Path.Combine(wire, "@pulumi", "pulumi")))
            throw new InvalidOperationException("tests/wire/node_modules is missing: run 'npm ci --prefix tests/wire' (make test does)");
        Directory.CreateSymbolicLink(System.IO.Path.Combine(Path, "node_modules"), wire);
        File.WriteAllText(System.IO.Path.Combine(Path, "Pulumi.yaml"),
            $"name: {project}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n");
        WriteProgram(indexJs);
        File.WriteAllText(System.IO.Path.Combine(Path, $"Pulumi.{stack}.yaml"), TestStackSecrets.Yaml(config));
        Stack = new Stack(new StackOptions
        {
            ProgramDirectory = Path, Stack = stack, ProviderBinary = RepoPaths.ProviderBinary, GrpcLogPath = GrpcLog,
            Passphrase = TestStackSecrets.Passphrase,
        });
    }

    public void WriteProgram(string indexJs) => File.WriteAllText(System.IO.Path.Combine(Path, "index.js"), indexJs);

    public string StateText => File.ReadAllText(Stack.StatePath);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

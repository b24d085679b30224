using Speck.Harness;
using Speck.Testbed.Mosquitto;
using Speck.Testbed.NodeRed;

namespace Speck.Tests.Harness;

/// <summary>
/// Real local sites for the harness tests: one Node-RED engine shared by two Mosquitto brokers with dynamic
/// security (edge, cloud) and one without (plain).
/// </summary>
public sealed class SitesFixture : IAsyncLifetime
{
    public NodeRedEngine Engine { get; private set; } = null!;
    public MosquittoBroker Edge { get; private set; } = null!;
    public MosquittoBroker Cloud { get; private set; } = null!;
    public MosquittoBroker Plain { get; private set; } = null!;

    /// <summary>A dynsec broker for the smaller tests, so the example's brokers hold only the example's roles.</summary>
    public MosquittoBroker Lab { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var engine = NodeRedEngine.StartAsync();
        var edge = MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Dynsec = true });
        var cloud = MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Dynsec = true });
        var plain = MosquittoBroker.StartAsync(new MosquittoBrokerOptions());
        var lab = MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Dynsec = true });
        (Engine, Edge, Cloud, Plain, Lab) = (await engine, await edge, await cloud, await plain, await lab);
    }

    public async Task DisposeAsync()
    {
        await Engine.DisposeAsync();
        await Edge.DisposeAsync();
        await Cloud.DisposeAsync();
        await Plain.DisposeAsync();
        await Lab.DisposeAsync();
    }

    /// <summary>The stack config the example program takes for these sites.</summary>
    public Dictionary<string, string> ExampleConfig(string project) => new()
    {
        [$"{project}:edgeSpeKind"] = "nodered",
        [$"{project}:edgeSpeUrl"] = Engine.Url,
        [$"{project}:edgeBrokerUrl"] = Edge.Url,
        [$"{project}:edgeAdminPassword"] = Edge.AdminPassword!,
        [$"{project}:cloudSpeKind"] = "nodered",
        [$"{project}:cloudSpeUrl"] = Engine.Url,
        [$"{project}:cloudBrokerUrl"] = Cloud.Url,
        [$"{project}:cloudAdminPassword"] = Cloud.AdminPassword!,
    };

    public static async Task<IReadOnlyList<string>> SpeckRolesAsync(MosquittoBroker broker) =>
        (await MosquittoCtrl.ListRolesAsync(broker)).Where(r => r.StartsWith("speck-", StringComparison.Ordinal)).ToList();
}

/// <summary>A program folder in a temp directory: Pulumi.yaml, Pulumi.&lt;stack&gt;.yaml, and the harness stack for it.</summary>
public sealed class ProgramDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("speck-harness-").FullName;
    public string StackName { get; }
    public string GrpcLog => System.IO.Path.Combine(Path, "grpc.jsonl");
    public Stack Stack { get; }

    public ProgramDir(string programYaml, IDictionary<string, string> config, string stack = "test", IReadOnlyList<string>? providerFlags = null)
    {
        StackName = stack;
        WriteProgram(programYaml);
        WriteConfig(config);
        Stack = new Stack(new StackOptions
        {
            ProgramDirectory = Path, Stack = stack, ProviderBinary = RepoPaths.ProviderBinary, GrpcLogPath = GrpcLog,
            ProviderFlags = providerFlags ?? [], Passphrase = TestStackSecrets.Passphrase,
        });
    }

    public void WriteProgram(string yaml) => File.WriteAllText(System.IO.Path.Combine(Path, "Pulumi.yaml"), yaml);

    public void WriteConfig(IDictionary<string, string> config) =>
        File.WriteAllText(System.IO.Path.Combine(Path, $"Pulumi.{StackName}.yaml"), TestStackSecrets.Yaml(config));

    public string StateText => File.ReadAllText(Stack.StatePath);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

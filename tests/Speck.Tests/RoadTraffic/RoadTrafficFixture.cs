using System.Text.Json.Nodes;
using Speck.Harness;
using Speck.Provider.Spe.NodeRed;
using Speck.Testbed;
using Speck.Testbed.Mosquitto;
using Speck.Testbed.NodeRed;

namespace Speck.Tests.RoadTraffic;

/// <summary>The example's four sites (edge1..edge3, cloud), each its own Mosquitto with dynamic security and its own Node-RED.</summary>
public sealed class RoadTrafficSites : IAsyncLifetime
{
    public static readonly string[] Edges = ["edge1", "edge2", "edge3"];
    public static readonly string[] Names = [.. Edges, "cloud"];

    public NodeRedSites Sites { get; private set; } = null!;

    public async Task InitializeAsync() => Sites = await NodeRedSites.StartAsync(Names);

    public async Task DisposeAsync() => await Sites.DisposeAsync();

    public MosquittoBroker Broker(string site) => Sites[site].Broker;

    public NodeRedClient Engine(string site) => new(new HttpClient { BaseAddress = new Uri(Sites[site].EngineUrl + "/") });

    /// <summary>The speck flows on a site's engine: tab id → the ids of its nodes.</summary>
    public async Task<Dictionary<string, List<string>>> FlowsAsync(string site)
    {
        var all = await Engine(site).GetFlowsAsync(CancellationToken.None);
        return all.OfType<JsonObject>().Where(n => n["type"]?.GetValue<string>() != "tab" && n["id"]?.GetValue<string>() is { } id && id.StartsWith("speck-", StringComparison.Ordinal))
            .GroupBy(n => n["z"]!.GetValue<string>()).ToDictionary(g => g.Key, g => g.Select(n => n["id"]!.GetValue<string>()).Order().ToList());
    }

    /// <summary>When a flow last started as a whole (its health node's start), or null when it is not there.</summary>
    public async Task<long?> StartedAtAsync(string site, string flowId) =>
        await Engine(site).GetFlowContextAsync(flowId, CancellationToken.None) is { } context ? NodeRedJobs.StartedAt(context) : null;

    public async Task<IReadOnlyList<string>> SpeckDynsecAsync(string site, string list) =>
        (await MosquittoCtrl.DynsecAsync(Broker(site), [list])).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(n => n.StartsWith("speck-", StringComparison.Ordinal)).ToList();
}

/// <summary>A working copy of examples/road-traffic with the stack config for the sites, and the harness stack on it.</summary>
public sealed class RoadTrafficProgram : IDisposable
{
    public const string Project = "road-traffic";
    public string Path { get; } = Directory.CreateTempSubdirectory("speck-road-traffic-").FullName;
    public Stack Stack { get; }

    private RoadTrafficProgram() =>
        Stack = new Stack(new StackOptions { ProgramDirectory = Path, Stack = "test", ProviderBinary = RepoPaths.ProviderBinary, Passphrase = Harness.TestStackSecrets.Passphrase });

    public static async Task<RoadTrafficProgram> CreateAsync(RoadTrafficSites sites)
    {
        var program = new RoadTrafficProgram();
        program.Use("Pulumi.yaml");
        Speck.Testbed.Demo.ExampleFunctions.CopyInto(System.IO.Path.Combine(RepoPaths.Examples, "road-traffic"), program.Path);
        await StackConfigFile.WriteAsync(System.IO.Path.Combine(program.Path, "Pulumi.test.yaml"), Project, sites.Sites.Sites, passphrase: Harness.TestStackSecrets.Passphrase);
        return program;
    }

    /// <summary>
    /// A working copy of examples/road-traffic/typescript, laid out as `npm install` leaves it (the SDK built from
    /// sdk/nodejs), with the same stack config: its sites take their logins from `speck:credentials` in it.
    /// </summary>
    public static async Task<RoadTrafficProgram> CreateTypeScriptAsync(RoadTrafficSites sites)
    {
        var program = new RoadTrafficProgram();
        var example = System.IO.Path.Combine(RepoPaths.Examples, "road-traffic");
        await Speck.Testbed.Demo.TypeScriptProgram.CreateAsync(System.IO.Path.Combine(example, "typescript"), program.Path);
        Speck.Testbed.Demo.ExampleFunctions.CopyInto(example, program.Path);
        await StackConfigFile.WriteAsync(System.IO.Path.Combine(program.Path, "Pulumi.test.yaml"), Project, sites.Sites.Sites, passphrase: Harness.TestStackSecrets.Passphrase);
        return program;
    }

    /// <summary>Puts a version of the example in place: <c>Pulumi.yaml</c> or <c>adapt/Pulumi.yaml</c>.</summary>
    public void Use(string example) => Write(File.ReadAllText(System.IO.Path.Combine(RepoPaths.Examples, "road-traffic", example)));

    public string StateText => File.ReadAllText(Stack.StatePath);

    public void Write(string yaml) => File.WriteAllText(System.IO.Path.Combine(Path, "Pulumi.yaml"), yaml);

    public static string Example(string example) => File.ReadAllText(System.IO.Path.Combine(RepoPaths.Examples, "road-traffic", example));

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

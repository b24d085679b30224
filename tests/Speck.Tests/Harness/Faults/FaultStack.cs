using System.Text.Json.Nodes;
using Speck.FlinkStandIn;
using Speck.FlinkStandIn.Jars;
using Speck.FlinkStandIn.Jobs;
using Speck.Harness.Deployment;
using Speck.Testbed.Mosquitto;

namespace Speck.Tests.Harness.Faults;

/// <summary>
/// What a fault scenario deploys and breaks: a Node-RED site (the harness sites' shared engine) and a Flink site
/// (a stand-in of its own), both on one Mosquitto of its own with dynamic security, four topics and one job on
/// each site. A broker of its own, because scenarios stop, restart and lock it; it costs a fraction of a second.
/// </summary>
internal sealed class FaultStack : IAsyncDisposable
{
    public const string Project = "faults";

    private const string Program = """
        name: faults
        runtime: yaml
        config:
          noderedUrl: { type: string }
          flinkUrl: { type: string }
          brokerUrl: { type: string }
          adminPassword: { type: string, secret: true }
        resources:
          edge:
            type: speck:index:SpeSite
            properties:
              tier: edge
              spe: { kind: nodered, url: "${noderedUrl}" }
              broker: { kind: mqtt, url: "${brokerUrl}", adminUsername: admin, adminPassword: "${adminPassword}" }
          fog:
            type: speck:index:SpeSite
            properties:
              tier: fog
              spe: { kind: flink, url: "${flinkUrl}" }
              broker: { kind: mqtt, url: "${brokerUrl}", adminUsername: admin, adminPassword: "${adminPassword}" }
          raw: { type: speck:index:Topic, properties: { site: "${edge.connection}", name: faults/raw } }
          upper: { type: speck:index:Topic, properties: { site: "${edge.connection}", name: faults/upper } }
          fogIn: { type: speck:index:Topic, properties: { site: "${fog.connection}", name: faults/fog-in } }
          counts: { type: speck:index:Topic, properties: { site: "${fog.connection}", name: faults/counts } }
          edgeJob:
            type: speck:index:StreamJob
            properties:
              site: ${edge.connection}
              nodeRed: { function: "return msg;" }
              sources: ["${raw.endpoint}"]
              sink: ${upper.endpoint}
          fogJob:
            type: speck:index:StreamJob
            properties:
              site: ${fog.connection}
              artifact: { fn::fileAsset: job.jar }
              entryClass: org.speck.Job
              upgradeMode: stateless
              sources: ["${fogIn.endpoint}"]
              sink: ${counts.endpoint}
        """;

    private FaultStack(SitesFixture sites, MosquittoBroker broker, Speck.FlinkStandIn.FlinkStandIn flink)
    {
        (Sites, Broker, Flink) = (sites, broker, flink);
        Dir = new ProgramDir(Program, Config(broker.AdminPassword!));
        File.WriteAllBytes(Path.Combine(Dir.Path, "job.jar"), TestJar.Build("org.speck.Job"));
    }

    public SitesFixture Sites { get; }
    public MosquittoBroker Broker { get; }
    public Speck.FlinkStandIn.FlinkStandIn Flink { get; }
    public ProgramDir Dir { get; }
    public Speck.Harness.Stack Stack => Dir.Stack;

    public static async Task<FaultStack> StartAsync(SitesFixture sites, FlinkStandInOptions? flinkOptions = null)
    {
        var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Dynsec = true });
        var flink = new Speck.FlinkStandIn.FlinkStandIn(flinkOptions);
        await flink.StartAsync();
        return new FaultStack(sites, broker, flink);
    }

    public Dictionary<string, string> Config(string adminPassword) => new()
    {
        [$"{Project}:noderedUrl"] = Sites.Engine.Url,
        [$"{Project}:flinkUrl"] = Flink.BaseUrl,
        [$"{Project}:brokerUrl"] = Broker.Url,
        [$"{Project}:adminPassword"] = adminPassword,
    };

    /// <summary>The same stack, telling <paramref name="started"/> the id of each provider process it starts.</summary>
    public Speck.Harness.Stack WatchedStack(Action<int> started) => new(new Speck.Harness.StackOptions
    {
        ProgramDirectory = Dir.Path, Stack = Dir.StackName, ProviderBinary = RepoPaths.ProviderBinary, ProviderStarted = started,
        Passphrase = TestStackSecrets.Passphrase,
    });

    public string Urn(string type, string name) => $"urn:pulumi:{Dir.StackName}::{Project}::speck:index:{type}::{name}";

    /// <summary>What exists on the sites: running Flink jobs, Node-RED flows on this broker, speck dynsec clients and roles.</summary>
    public async Task<World> WorldAsync()
    {
        var jobs = Flink.Jobs.Count(j => !j.State.IsGloballyTerminal());
        var clients = (await MosquittoCtrl.DynsecAsync(Broker, ["listClients"])).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Count(c => c.StartsWith("speck-", StringComparison.Ordinal));
        var roles = (await MosquittoCtrl.ListRolesAsync(Broker)).Count(r => r.StartsWith("speck-", StringComparison.Ordinal));
        return new World(jobs, await FlowsAsync(), clients, roles);
    }

    /// <summary>Tabs on Node-RED holding an MQTT broker node for this scenario's broker: one per Node-RED job deployed.</summary>
    public async Task<int> FlowsAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var nodes = JsonNode.Parse(await http.GetStringAsync(Sites.Engine.Url + "/flows"))!.AsArray();
        return nodes.Where(n => n?["type"]?.ToString() == "mqtt-broker" && n["port"]?.ToString() == Broker.Port.ToString())
            .Select(n => n!["z"]?.ToString() ?? "").Distinct().Count();
    }

    /// <summary>Nothing on the sites that the state does not record, nothing twice.</summary>
    public async Task NothingOrphanedAsync()
    {
        var (world, recorded) = (await WorldAsync(), Recorded());
        Assert.True(world.Within(recorded), $"the sites hold {world}, the state records {recorded}");
    }

    /// <summary>The world as the state records it: what a complete deploy of the resources in the state makes.</summary>
    public World Recorded()
    {
        var state = Stack.LoadState().Resources.Where(r => !r.Delete).ToList();
        bool Has(string name) => state.Any(r => r.Name == name);
        var jobs = new[] { "edgeJob", "fogJob" }.Count(Has);
        var topics = new[] { "raw", "upper", "fogIn", "counts" }.Count(Has);
        return new World(Has("fogJob") ? 1 : 0, Has("edgeJob") ? 1 : 0, jobs, 2 * topics);
    }

    /// <summary>
    /// The fault is gone: the next up succeeds, a second one changes nothing, and the sites hold exactly what the
    /// state records, nothing twice. Returns the first up.
    /// </summary>
    public async Task<DeploymentResult> ConvergesAsync()
    {
        var up = await Stack.UpAsync();
        Assert.True(up.Succeeded, "the up after the fault: " + string.Join("\n", up.Errors) + up.ProviderStderr);
        await NothingChangesAsync();
        return up;
    }

    /// <summary>An up changes nothing, and the sites hold exactly what the whole program makes, nothing twice.</summary>
    public async Task NothingChangesAsync()
    {
        var again = await Stack.UpAsync();
        Assert.True(again.Succeeded, string.Join("\n", again.Errors));
        Assert.All(again.Steps, s => Assert.Equal(StepKind.Same, s.Kind));
        Assert.Equal(World.Deployed, await WorldAsync());
        Assert.Equal(World.Deployed, Recorded());
    }

    /// <summary>Destroys what is left and checks that the sites hold nothing of it.</summary>
    public async Task DestroyedAsync()
    {
        var down = await Stack.DestroyAsync();
        Assert.True(down.Succeeded, string.Join("\n", down.Errors));
        Assert.Equal(World.Empty, await WorldAsync());
        Assert.Empty(Stack.LoadState().Resources);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Broker.IsRunning && Sites.Engine.IsRunning && Stack.LoadState().Resources.Count > 0) await Stack.DestroyAsync();
        }
        finally
        {
            Dir.Dispose();
            await Flink.DisposeAsync();
            await Broker.DisposeAsync();
        }
    }
}

/// <summary>What a scenario's sites hold: running Flink jobs, Node-RED flows, dynsec clients and roles made by speck.</summary>
internal sealed record World(int FlinkJobs, int Flows, int Clients, int Roles)
{
    /// <summary>The program deployed once: one job per engine, a login per job, a publish and a subscribe role per topic.</summary>
    public static readonly World Deployed = new(1, 1, 2, 8);
    public static readonly World Empty = new(0, 0, 0, 0);

    /// <summary>Nothing here that <paramref name="recorded"/> lacks: no orphan, no duplicate (a half-deleted resource may hold less).</summary>
    public bool Within(World recorded) =>
        FlinkJobs <= recorded.FlinkJobs && Flows <= recorded.Flows && Clients <= recorded.Clients && Roles <= recorded.Roles;
}

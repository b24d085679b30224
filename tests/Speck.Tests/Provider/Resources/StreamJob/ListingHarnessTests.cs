using Speck.FlinkStandIn.Jars;
using Speck.FlinkStandIn.Jobs;
using Speck.Harness.Deployment;
using Speck.Testbed.Mosquitto;
using Speck.Tests.Harness;

namespace Speck.Tests.Provider.Resources.StreamJob;

/// <summary>Four Flink stand-ins (edge1, edge2, fog, cloud) sharing one plain Mosquitto broker and a savepoint directory.</summary>
public sealed class ListingSites : IAsyncLifetime
{
    public static readonly string[] Names = ["edge1", "edge2", "fog", "cloud"];
    public Dictionary<string, Speck.FlinkStandIn.FlinkStandIn> Flink { get; } = [];
    public MosquittoBroker Broker { get; private set; } = null!;
    public string SavepointDir { get; } = Directory.CreateTempSubdirectory("speck-listing-sp-").FullName;

    public async Task InitializeAsync()
    {
        Broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions());
        foreach (var name in Names)
        {
            var s = new Speck.FlinkStandIn.FlinkStandIn();
            await s.StartAsync();
            Flink[name] = s;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var s in Flink.Values) await s.DisposeAsync();
        await Broker.DisposeAsync();
        Directory.Delete(SavepointDir, recursive: true);
    }
}

/// <summary>
/// The SpecK paper's Listing 1.1 deployed, then adapted to Listing 1.2 (docs/speck-paper.md §Listings 1.1 and 1.2),
/// through the engine harness.
/// </summary>
public sealed class ListingHarnessTests(ListingSites sites) : IClassFixture<ListingSites>
{
    private static string Listing(string n) => File.ReadAllText(Path.Combine(RepoPaths.Examples, $"listing-{n}", "Pulumi.yaml"));

    private Dictionary<string, string> Config(string programDir)
    {
        var config = new Dictionary<string, string> { ["listing:savepointDir"] = sites.SavepointDir };
        foreach (var name in ListingSites.Names)
        {
            config[$"listing:{name}SpeUrl"] = sites.Flink[name].BaseUrl;
            config[$"listing:{name}BrokerUrl"] = sites.Broker.Url;
        }
        foreach (var job in new[] { "Filter", "Merge", "Stats", "Alert" })
        {
            File.WriteAllBytes(Path.Combine(programDir, $"{job.ToLowerInvariant()}.jar"), TestJar.Build($"org.speck.jobs.{job}"));
            config[$"listing:{job.ToLowerInvariant()}Jar"] = $"{job.ToLowerInvariant()}.jar";
        }
        return config;
    }

    [Fact]
    public async Task Listing_1_2_removes_B_updates_C_once_adds_C2_and_leaves_A_and_D_alone()
    {
        using var dir = new ProgramDir(Listing("1.1"), new Dictionary<string, string>());
        dir.WriteConfig(Config(dir.Path));

        var up = await dir.Stack.UpAsync();
        Assert.True(up.Succeeded, string.Join("\n", up.Errors) + up.ProviderStderr);
        foreach (var name in ListingSites.Names)
            Assert.Equal(JobStatus.RUNNING, Assert.Single(sites.Flink[name].Jobs).State);
        var c = Assert.Single(sites.Flink["fog"].Jobs);
        Assert.Equal(["2"], [c.Parallelism.ToString()]);

        foreach (var s in sites.Flink.Values) s.Requests.Clear();
        dir.WriteProgram(Listing("1.2"));
        var preview = await dir.Stack.PreviewAsync();
        Assert.True(preview.Succeeded, string.Join("\n", preview.Errors));
        Assert.Equal(StepKind.Update, preview.Step("jobC").Kind);
        Assert.Equal(StepKind.Delete, preview.Step("jobB").Kind);
        Assert.Equal(StepKind.Create, preview.Step("jobC2").Kind);
        Assert.Equal(StepKind.Same, preview.Step("jobA").Kind);
        Assert.Equal(StepKind.Same, preview.Step("jobD").Kind);
        Assert.All(sites.Flink.Values, s => Assert.DoesNotContain(s.Requests.Entries, r => r.Method != "GET"));

        var adapt = await dir.Stack.UpAsync();
        Assert.True(adapt.Succeeded, string.Join("\n", adapt.Errors) + adapt.ProviderStderr);

        Assert.Empty(sites.Flink["edge1"].Requests.Entries);
        Assert.Empty(sites.Flink["cloud"].Requests.Entries);
        var edge2 = sites.Flink["edge2"];
        Assert.Equal(JobStatus.CANCELED, Assert.Single(edge2.Jobs).State);
        Assert.Single(edge2.Requests.Matching("PATCH", "/jobs/*"));
        var fog = sites.Flink["fog"];
        Assert.Single(fog.Requests.Matching("POST", "/jobs/*/stop"));
        Assert.Equal(2, fog.Requests.Matching("POST", "/jars/*/run").Count);
        var savepoint = Assert.Single(fog.Job(c.JobId)!.Savepoints);
        var newC = fog.Jobs.Single(j => j.State == JobStatus.RUNNING && j.EntryClass == "org.speck.jobs.Merge");
        Assert.Equal(savepoint, newC.RestoredFrom);
        Assert.Equal(["--window", "30s"], newC.ProgramArgs.TakeLast(2));
        Assert.Contains(fog.Jobs, j => j.State == JobStatus.RUNNING && j.EntryClass == "org.speck.jobs.Alert");

        var again = await dir.Stack.UpAsync();
        Assert.True(again.Succeeded, string.Join("\n", again.Errors));
        Assert.DoesNotContain(again.Steps, s => s.Kind is not StepKind.Same);
    }
}

using Speck.FlinkStandIn.Jars;
using Speck.Testbed.Mosquitto;
using Speck.Tests.Harness;

namespace Speck.Tests.Provider.Pipeline;

/// <summary>
/// Local stand-ins for the hosts of the SpecK paper's Listings 1.1 and 1.2 (../shared/data/speck): a Flink stand-in
/// per engine address and a Mosquitto per broker address, one savepoint folder they share, and a program folder
/// whose Pulumi.yaml runs a listing through <c>speck:index:Pipeline</c> with an address map to them.
/// </summary>
public sealed class PipelineSites : IAsyncLifetime
{
    public static readonly string[] EngineHosts = ["172.16.39.7", "172.16.48.8", "172.16.192.18", "172.16.177.7", "172.16.177.20"];
    public static readonly string[] BrokerHosts = ["172.16.39.7", "172.16.48.8", "172.16.192.18", "172.16.177.7", "172.16.193.22"];

    public Dictionary<string, Speck.FlinkStandIn.FlinkStandIn> Flink { get; } = [];
    public Dictionary<string, MosquittoBroker> Brokers { get; } = [];
    public string SavepointDir { get; } = Directory.CreateTempSubdirectory("speck-pipeline-sp-").FullName;

    public async Task InitializeAsync()
    {
        foreach (var host in EngineHosts)
        {
            var s = new Speck.FlinkStandIn.FlinkStandIn();
            await s.StartAsync();
            Flink[host] = s;
        }
        foreach (var host in BrokerHosts) Brokers[host] = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions());
    }

    public static string Listing(string n) => File.ReadAllText(Path.Combine(RepoPaths.Shared, "data", "speck", $"listing-{n}.yaml"));

    /// <summary>A YAML program of one Pipeline reading <c>pipeline.yaml</c> (written by <see cref="WriteDocument"/>).</summary>
    public string Program(string dir, string extraProperties = "")
    {
        var jars = string.Join("\n", Enumerable.Range(1, 4).Select(i =>
        {
            var path = Path.Combine(dir, $"test-{i}.jar");
            File.WriteAllBytes(path, TestJar.Build("package.ExampleJob"));
            return $"        /usr/src/app/jars/test-{i}.jar: {path}";
        }));
        var map = string.Join("\n", Flink.Select(kv => $"        http://{kv.Key}:8081/: {kv.Value.BaseUrl}")
            .Concat(Brokers.Select(kv => $"        tcp://{kv.Key}:1883: {kv.Value.Url}")));
        return $"""
            name: speck-pipeline
            runtime: yaml
            resources:
              speck:
                type: speck:index:Pipeline
                properties:
                  document:
                    fn::readFile: ./pipeline.yaml
                  jars:
            {jars}
                  addressMap:
            {map}
                  savepointDirectory: {SavepointDir}
            {extraProperties}
            outputs:
              jobs: {"${speck.jobs}"}
              externalInputs: {"${speck.externalInputs}"}
            """;
    }

    public static void WriteDocument(ProgramDir dir, string document) => File.WriteAllText(Path.Combine(dir.Path, "pipeline.yaml"), document);

    public async Task DisposeAsync()
    {
        foreach (var s in Flink.Values) await s.DisposeAsync();
        foreach (var b in Brokers.Values) await b.DisposeAsync();
        Directory.Delete(SavepointDir, recursive: true);
    }
}

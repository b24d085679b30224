using Speck.FlinkStandIn.Jars;
using Speck.Testbed.Mosquitto;
using Speck.Tests.Harness;

namespace Speck.Tests.Provider.Pipeline;

/// <summary>
/// Local stand-ins for the hosts of the SpecK paper's Listings 1.1 and 1.2 (../shared/data/speck): a Flink stand-in
/// per engine address and a Mosquitto per broker address, one savepoint folder they share, and the config that runs
/// examples/speck-pipeline (a listing through <c>speck:index:Pipeline</c>) on them.
/// </summary>
public sealed class PipelineSites
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

    /// <summary>The jar of each of the listings' four job paths, written into <paramref name="dir"/>.</summary>
    public static Dictionary<string, string> Jars(string dir) => Enumerable.Range(1, 4).ToDictionary(i => $"/usr/src/app/jars/test-{i}.jar", i =>
    {
        var path = Path.Combine(dir, $"test-{i}.jar");
        File.WriteAllBytes(path, TestJar.Build("package.ExampleJob"));
        return path;
    });

    /// <summary>The listings' addresses to the stand-ins.</summary>
    public Dictionary<string, string> AddressMap() => Flink.Select(kv => KeyValuePair.Create($"http://{kv.Key}:8081/", kv.Value.BaseUrl))
        .Concat(Brokers.Select(kv => KeyValuePair.Create($"tcp://{kv.Key}:1883", kv.Value.Url))).ToDictionary();

    /// <summary>examples/speck-pipeline: the Pipeline <c>pipeline</c> reading the document the config names.</summary>
    public static string Example => File.ReadAllText(Path.Combine(RepoPaths.Examples, "speck-pipeline", "Pulumi.yaml"));

    /// <summary>
    /// The example's stack config for a program in <paramref name="dir"/>: the document <c>pipeline.yaml</c> (written
    /// by <see cref="WriteDocument"/>), the jars written there, the shared savepoint folder, the addresses to the stand-ins.
    /// </summary>
    public Dictionary<string, string> Config(string dir)
    {
        Jars(dir);
        static string Key(string kind, string host) => $"speck-pipeline:{kind}_{string.Join('_', host.Split('.')[2..])}";
        return new Dictionary<string, string>
        {
            ["speck-pipeline:document"] = "./pipeline.yaml", ["speck-pipeline:jarDir"] = dir, ["speck-pipeline:savepointDir"] = SavepointDir,
        }.Concat(Flink.Select(kv => KeyValuePair.Create(Key("flink", kv.Key), kv.Value.BaseUrl)))
         .Concat(Brokers.Select(kv => KeyValuePair.Create(Key("mqtt", kv.Key), kv.Value.Url))).ToDictionary();
    }

    /// <summary>
    /// The same as a plain JavaScript program on @pulumi/pulumi: a <c>ComponentResource</c> registered remote, as
    /// the generated SDK's <c>Pipeline</c> class does (sdk/nodejs/pipeline.ts), its outputs declared undefined.
    /// </summary>
    public string JavaScript(string dir)
    {
        static string Json(object o) => System.Text.Json.JsonSerializer.Serialize(o);
        return $$"""
            "use strict";
            const pulumi = require("@pulumi/pulumi");
            const fs = require("fs");
            const pipeline = new pulumi.ComponentResource("speck:index:Pipeline", "pipeline", {
                document: fs.readFileSync("pipeline.yaml", "utf8"),
                jars: {{Json(Jars(dir))}},
                addressMap: {{Json(AddressMap())}},
                savepointDirectory: {{Json(SavepointDir)}},
                jobs: undefined, topics: undefined, sites: undefined, externalInputs: undefined,
            }, {}, true /*remote*/);
            exports.jobs = pipeline.jobs;
            exports.externalInputs = pipeline.externalInputs;
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

// examples/speck-pipeline as C#: the SpecK document as it is, read from a file, its addresses mapped to local engines
// and brokers. `pulumi config set document ../listing-1.2.yaml` adapts the pipeline to Listing 1.2.
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Pulumi;
using Pulumi.Speck;

return await Deployment.RunAsync(() =>
{
    var config = new Config();
    var document = config.Get("document") ?? "../listing-1.1.yaml";
    var jarDir = config.Get("jarDir") ?? "../jars";

    // The paper's Grid'5000 hosts, each to a local Flink JobManager and Mosquitto (ports as in ../Pulumi.yaml).
    string[] engines = ["172.16.39.7", "172.16.48.8", "172.16.192.18", "172.16.177.7", "172.16.177.20"];
    string[] brokers = ["172.16.39.7", "172.16.48.8", "172.16.192.18", "172.16.177.7", "172.16.193.22"];
    static string Key(string kind, string host) => $"{kind}_{string.Join('_', host.Split('.').Skip(2))}";
    var addressMap = new InputMap<string>();
    foreach (var (host, i) in engines.Select((h, i) => (h, i)))
        addressMap.Add($"http://{host}:8081/", config.Get(Key("flink", host)) ?? $"http://127.0.0.1:{8081 + i}");
    foreach (var (host, i) in brokers.Select((h, i) => (h, i)))
        addressMap.Add($"tcp://{host}:1883", config.Get(Key("mqtt", host)) ?? $"mqtt://127.0.0.1:{1883 + i}");
    var jars = new InputMap<string>();
    for (var i = 1; i <= 4; i++) jars.Add($"/usr/src/app/jars/test-{i}.jar", $"{jarDir}/test-{i}.jar");

    var pipeline = new Pipeline("pipeline", new PipelineArgs
    {
        Document = File.ReadAllText(document),
        Jars = jars,
        AddressMap = addressMap,
        SavepointDirectory = config.Get("savepointDir") ?? "/tmp/speck-savepoints",
    });

    return new Dictionary<string, object?>
    {
        ["jobs"] = pipeline.Jobs,
        ["externalInputs"] = pipeline.ExternalInputs,
    };
});

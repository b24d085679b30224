using Pulumi;
using Pulumi.Speck;
using Pulumi.Speck.Inputs;

return await Deployment.RunAsync(() =>
{
    var config = new Config();
    // The Node-RED function bodies ../Pulumi.yaml reads too (fn::readFile).
    string Function(string name) => File.ReadAllText(Path.Combine("..", "functions", $"{name}.js"));
    var clean = Function("clean");
    var count = Function("count");

    // A site gives where its engine and broker are; logins come from `speck:credentials` by URL.
    SpeSite Site(string name, Tier tier) => new(name, new SpeSiteArgs
    {
        Tier = tier,
        Spe = new SpeEndpointArgs
        {
            Kind = config.Get($"{name}SpeKind") == "flink" ? SpeKind.Flink : SpeKind.NodeRed,
            Url = config.Require($"{name}SpeUrl"),
        },
        Broker = new BrokerEndpointArgs { Kind = BrokerKind.Mqtt, Url = config.Require($"{name}BrokerUrl") },
    });
    Topic Topic(string name, SpeSite on, string topicName) => new(name, new TopicArgs { Site = on.Connection, Name = topicName });
    StreamJob Job(string name, SpeSite on, Topic from, Topic to, NodeRedProcessingArgs nodeRed) => new(name, new StreamJobArgs
    {
        Site = on.Connection,
        Sources = { from.Endpoint },
        Sink = to.Endpoint,
        NodeRed = nodeRed,
    });

    var cloud = Site("cloud", Tier.Cloud);
    // The cloud's topics: cleaned detections from every edge, and the global statistics.
    var merged = Topic("merged", cloud, "traffic/merged");
    var globalStats = Topic("globalStats", cloud, "traffic/stats/global");

    var jobs = new Dictionary<string, StreamJob>();
    var rawPublishRoles = new Dictionary<string, Output<string?>>();
    foreach (var i in new[] { 1, 2, 3 })
    {
        var edge = Site($"edge{i}", Tier.Edge);
        var raw = Topic($"raw{i}", edge, "traffic/raw");
        var cleaned = Topic($"clean{i}", edge, "traffic/clean");
        var localStats = Topic($"localStats{i}", edge, "traffic/stats/local");
        jobs[$"cleanJob{i}"] = Job($"cleanJob{i}", edge, raw, cleaned, new NodeRedProcessingArgs { Function = clean });            // Job 1
        jobs[$"forwardJob{i}"] = Job($"forwardJob{i}", edge, cleaned, merged, new NodeRedProcessingArgs { Nodes = { } });        // Job 2
        jobs[$"localStatsJob{i}"] = Job($"localStatsJob{i}", edge, cleaned, localStats, new NodeRedProcessingArgs { Function = count }); // Job 3
        rawPublishRoles[$"edge{i}"] = raw.PublishRole;
    }
    jobs["globalStatsJob"] = Job("globalStatsJob", cloud, merged, globalStats, new NodeRedProcessingArgs { Function = count }); // Job 4

    return new Dictionary<string, object?>
    {
        ["rawPublishRoles"] = rawPublishRoles,
        ["jobs"] = jobs.ToDictionary(j => j.Key, j => (object?)Output.Format($"{j.Value.SiteName}/{j.Value.JobId}")),
    };
});

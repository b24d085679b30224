using System.Text.Json.Nodes;
using Speck.Harness.Deployment;
using Speck.Testbed.Traffic;

namespace Speck.Tests.RoadTraffic;

/// <summary>
/// examples/road-traffic end to end on four real sites (Mosquitto with dynamic security + Node-RED each), deployed,
/// adapted, refreshed and destroyed through the engine harness, with detections really flowing through every job.
/// </summary>
public class RoadTrafficPipelineTests(RoadTrafficSites sites) : IClassFixture<RoadTrafficSites>
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);
    private const long FirstBatch = 1_764_028_800_000;  // the two batches' detections fall in different windows
    private const long SecondBatch = 1_764_032_400_000;
    private const long ThirdBatch = 1_764_036_000_000;

    private static readonly Dictionary<string, string[]> Sensors = new()
    {
        // Neighbouring edges share a sensor point, so the global statistics really merge.
        ["edge1"] = ["S01", "S02", "S03", "S04"],
        ["edge2"] = ["S04", "S05", "S06", "S07"],
        ["edge3"] = ["S07", "S08", "S09", "S10"],
    };

    [Fact]
    public async Task Deploy_process_adapt_refresh_and_destroy_the_road_traffic_pipeline()
    {
        using var program = await RoadTrafficProgram.CreateAsync(sites);
        var stack = program.Stack;
        try
        {
            var up = await stack.UpAsync();
            Assert.True(up.Succeeded, string.Join("\n", up.Errors));
            Assert.Equal(25, up.Count(StepKind.Create));
            var jobs = Jobs(up.Outputs);
            Assert.Equal(10, jobs.Count);
            foreach (var site in RoadTrafficSites.Names)
                Assert.Equal(jobs.Values.Count(j => j.Site == site), (await sites.FlowsAsync(site)).Count);

            // Every job logs in as its own client: edge jobs on their edge, forwarders and the merge on the cloud too.
            Assert.Equal(3, (await sites.SpeckDynsecAsync("edge1", "listClients")).Count);
            Assert.Equal(4, (await sites.SpeckDynsecAsync("cloud", "listClients")).Count);

            // Traffic: N detections per edge, some malformed; statistics must count exactly the well-formed ones.
            var reports = await DriveAsync(up.Outputs, FirstBatch, count: 400, meanGapMs: 100, async (locals, global, sent) =>
            {
                foreach (var edge in RoadTrafficSites.Edges)
                    Assert.Equal(sent[edge].WellFormed, locals[edge].Messages("traffic/clean"));
                Assert.Equal(sent.Values.Sum(r => r.WellFormed), global.Messages("traffic/merged"));
                await Task.CompletedTask;
            });
            Assert.All(reports.Values, r => Assert.True(r.Malformed > 0 && r.WellFormed > 0));

            // Adapt: add the congestion job (and its topic), move Job 4 from the cloud to edge1.
            var before = await SnapshotAsync(jobs);
            program.Use("adapt/Pulumi.yaml");
            var adapt = await stack.UpAsync();
            Assert.True(adapt.Succeeded, string.Join("\n", adapt.Errors));
            Assert.Equal(["congestion", "congestionJob"], adapt.Steps.Where(s => s.Kind == StepKind.Create).Select(s => s.Name).Order());
            Assert.Equal(["globalStatsJob"], adapt.Steps.Where(s => s.Kind == StepKind.Update).Select(s => s.Name));
            Assert.Equal(25 - 1, adapt.Count(StepKind.Same));
            var adapted = Jobs(adapt.Outputs);
            Assert.Equal("edge1", adapted["globalStatsJob"].Site);
            Assert.DoesNotContain(jobs["globalStatsJob"].Id, (await sites.FlowsAsync("cloud")).Keys);
            Assert.Contains(adapted["globalStatsJob"].Id, (await sites.FlowsAsync("edge1")).Keys);
            Assert.Contains(adapted["congestionJob"].Id, (await sites.FlowsAsync("cloud")).Keys);
            // The nine edge flows were not redeployed: same flow ids, same node ids, same start times.
            var after = await SnapshotAsync(jobs);
            foreach (var (name, flow) in before.Where(b => b.Key != "globalStatsJob"))
            {
                Assert.Equal(jobs[name].Id, adapted[name].Id);
                Assert.Equal(flow, after[name]);
            }

            // The adapted pipeline processes new traffic: the moved merge counts it exactly, the new job raises alerts.
            var cloud = sites.Broker("cloud");
            await using (var alerts = await StatsListener.StartAsync(new Uri(cloud.Url), cloud.AdminUser, cloud.AdminPassword, ["traffic/alerts/congestion"]))
            {
                var second = await DriveAsync(adapt.Outputs, SecondBatch, count: 300, meanGapMs: 10, null);
                var expectedAlerts = TrafficReport.Merge(second.Values).Counts.Count(c => c.Value >= 20);
                Assert.True(expectedAlerts > 0);
                Assert.True(await StatsListener.WaitUntilAsync(() => alerts.Messages("traffic/alerts/congestion") >= expectedAlerts, Settle));
                await Task.Delay(500);
                Assert.Equal(expectedAlerts, alerts.Messages("traffic/alerts/congestion"));
            }

            // Changing a job's processing updates its flow in place: same flow id, and the flow as a whole does not restart.
            var congestionFlow = adapted["congestionJob"];
            var startedBefore = await sites.StartedAtAsync("cloud", congestionFlow.Id);
            File.AppendAllText(System.IO.Path.Combine(program.Path, "Pulumi.test.yaml"), "  road-traffic:congestionThreshold: \"30\"\n");
            var retuned = await stack.UpAsync();
            Assert.True(retuned.Succeeded, string.Join("\n", retuned.Errors));
            Assert.Equal(["congestionJob"], retuned.Steps.Where(s => s.Kind == StepKind.Update).Select(s => s.Name));
            Assert.Equal(congestionFlow, Jobs(retuned.Outputs)["congestionJob"]);
            Assert.NotNull(startedBefore);
            Assert.Equal(startedBefore, await sites.StartedAtAsync("cloud", congestionFlow.Id));
            var live = (await sites.Engine("cloud").GetFlowAsync(congestionFlow.Id, CancellationToken.None))!.ToJsonString();
            Assert.Contains("\"rules\":[{\"t\":\"eq\",\"v\":30,", live);

            // A flow with a node type the engine does not have is refused before it reaches the engine.
            var flowsBefore = await sites.FlowsAsync("edge2");
            program.Write(RoadTrafficProgram.Example("adapt/Pulumi.yaml").Replace("\noutputs:", BadJob + "\noutputs:"));
            var bad = await stack.UpAsync();
            Assert.False(bad.Succeeded);
            Assert.Equal(StepKind.Failed, bad.Step("badJob").Kind);
            Assert.Contains("no-such-node", bad.Step("badJob").Error);
            Assert.Equal(flowsBefore, await sites.FlowsAsync("edge2"));
            Assert.Equal(3, (await sites.SpeckDynsecAsync("edge2", "listClients")).Count); // and no login was left for it
            var allNodes = (await sites.Engine("edge2").GetFlowsAsync(CancellationToken.None)).ToJsonString();
            Assert.DoesNotContain("no-such-node", allNodes);
            program.Use("adapt/Pulumi.yaml");

            // An operator deletes a flow by hand: refresh shows the drift.
            Assert.True(await sites.Engine("edge3").DeleteFlowAsync(adapted["cleanJob3"].Id, CancellationToken.None));
            var refresh = await stack.RefreshAsync();
            Assert.True(refresh.Succeeded, string.Join("\n", refresh.Errors));
            Assert.True(refresh.Step("cleanJob3").Drift);
            Assert.Equal("MISSING", refresh.Step("cleanJob3").Outputs?["state"]?.GetValue<string>());
            Assert.False(refresh.Step("cleanJob2").Drift);
            Assert.Contains(refresh.Warnings.Concat(refresh.Logs.Select(l => l.Message)), m => m.Contains("MISSING"));

            // The next up deploys the job again; nothing else is touched.
            var repair = await stack.UpAsync();
            Assert.True(repair.Succeeded, string.Join("\n", repair.Errors));
            Assert.Equal(["cleanJob3"], repair.Steps.Where(s => s.Kind != StepKind.Same).Select(s => s.Name));
            var redeployed = Jobs(repair.Outputs)["cleanJob3"];
            Assert.Contains(redeployed.Id, (await sites.FlowsAsync("edge3")).Keys);
            Assert.Equal(3, (await sites.FlowsAsync("edge3")).Count);
        }
        finally
        {
            var destroy = await stack.DestroyAsync();
            Assert.True(destroy.Succeeded, string.Join("\n", destroy.Errors));
        }

        // Destroy leaves every engine with no speck flows and every broker with no speck roles or clients.
        foreach (var site in RoadTrafficSites.Names)
        {
            Assert.Empty(await sites.FlowsAsync(site));
            Assert.Empty(await sites.SpeckDynsecAsync(site, "listRoles"));
            Assert.Empty(await sites.SpeckDynsecAsync(site, "listClients"));
        }
    }

    private const string BadJob = """

          badJob:
            type: speck:index:StreamJob
            properties:
              site: ${edge2.connection}
              sources: [ "${clean2.endpoint}" ]
              sink: ${localStats2.endpoint}
              nodeRed:
                nodes:
                  - { id: mystery, type: no-such-node, wires: [ [ sink ] ] }
        """;

    /// <summary>
    /// Publishes a batch to every edge while listening to the pipeline's topics, then waits (bounded) until each edge's
    /// local statistics and the global statistics count exactly the well-formed detections sent.
    /// </summary>
    [Fact]
    public async Task The_typescript_program_deploys_the_yaml_programs_resources_with_nothing_but_the_credentials_secret()
    {
        using var yaml = await RoadTrafficProgram.CreateAsync(sites);
        var planned = await yaml.Stack.PreviewAsync();
        Assert.True(planned.Succeeded, string.Join("\n", planned.Errors));
        using var program = await RoadTrafficProgram.CreateTypeScriptAsync(sites);
        try
        {
            var up = await program.Stack.UpAsync();
            Assert.True(up.Succeeded, string.Join("\n", up.Errors));
            // The Node.js runtime registers the stack's root resource too (as pulumi-yaml does; the harness's YAML
            // evaluator does not); the program's own resources are the YAML program's, URN for URN.
            Assert.Equal(planned.Steps.Where(s => s.Kind == StepKind.Create).Select(s => s.Urn).Order(),
                up.Steps.Where(s => s.Kind == StepKind.Create && s.Type != "pulumi:pulumi:Stack").Select(s => s.Urn).Order());
            Assert.Equal(10, Jobs(up.Outputs).Count);

            // Sites wired by `site: edge.connection` with endpoints only: the site, topic and job wiring is plain; the
            // secrets are the provider's credentials (speck:credentials) and each job's own broker passwords.
            var state = JsonNode.Parse(program.StateText)!;
            var resources = state["checkpoint"]?["latest"]?["resources"]?.AsArray() ?? state["resources"]!.AsArray();
            var secretPaths = resources.SelectMany(r => SecretPaths(r!["outputs"], "").Concat(SecretPaths(r["inputs"], ""))
                .Select(p => $"{r["type"]!.GetValue<string>()}:{System.Text.RegularExpressions.Regex.Replace(p, @"\[\d+\]", "[]")}")).ToHashSet();
            Assert.Equal(["pulumi:providers:speck:credentials", "speck:index:StreamJob:brokerLogins[].password"], secretPaths.Order());

            await DriveAsync(up.Outputs, ThirdBatch, count: 150, meanGapMs: 10, null);
        }
        finally
        {
            var down = await program.Stack.DestroyAsync();
            Assert.True(down.Succeeded, string.Join("\n", down.Errors));
        }
        foreach (var site in RoadTrafficSites.Names) Assert.Empty(await sites.FlowsAsync(site));
    }

    /// <summary>The paths of the secret values in a state's property bag (Pulumi's secret signature marks them).</summary>
    private static IEnumerable<string> SecretPaths(JsonNode? node, string path) => node switch
    {
        JsonObject o when o[Speck.Host.Values.Sentinels.SigKey]?.GetValue<string>() == Speck.Host.Values.Sentinels.SecretSig => [path],
        JsonObject o => o.SelectMany(kv => SecretPaths(kv.Value, path.Length == 0 ? kv.Key : $"{path}.{kv.Key}")),
        JsonArray a => a.SelectMany((item, i) => SecretPaths(item, $"{path}[{i}]")),
        _ => [],
    };

    private async Task<Dictionary<string, TrafficReport>> DriveAsync(JsonObject outputs, long startTs, int count, int meanGapMs,
        Func<Dictionary<string, StatsListener>, StatsListener, Dictionary<string, TrafficReport>, Task>? more)
    {
        var cloud = sites.Broker("cloud");
        await using var global = await StatsListener.StartAsync(new Uri(cloud.Url), cloud.AdminUser, cloud.AdminPassword, ["traffic/merged", "traffic/stats/global"]);
        var locals = new Dictionary<string, StatsListener>();
        try
        {
            foreach (var edge in RoadTrafficSites.Edges)
            {
                var b = sites.Broker(edge);
                locals[edge] = await StatsListener.StartAsync(new Uri(b.Url), b.AdminUser, b.AdminPassword, ["traffic/clean", "traffic/stats/local"]);
            }

            var roles = outputs["rawPublishRoles"]!.AsObject();
            var sends = RoadTrafficSites.Edges.Select(async (edge, i) =>
            {
                var b = sites.Broker(edge);
                await using var login = await TrafficLogin.CreateAsync(new Uri(b.Url), b.AdminUser!, b.AdminPassword!, roles[edge]!.GetValue<string>());
                var options = new TrafficOptions
                {
                    Count = count, MalformedShare = 0.15, Seed = 100 + i, Sensors = Sensors[edge], VehiclePrefix = edge + "-",
                    StartTs = startTs, MeanGapMs = meanGapMs,
                };
                return (edge, await TrafficGenerator.PublishAsync(new TrafficTarget(new Uri(b.Url), "traffic/raw", login.Username, login.Password), options, rate: 0));
            }).ToList();
            var sent = (await Task.WhenAll(sends)).ToDictionary(s => s.edge, s => s.Item2);
            var merged = TrafficReport.Merge(sent.Values);

            // The listeners started with this batch, so they see only its windows.
            bool Exact() => RoadTrafficSites.Edges.All(e => locals[e].Matches("traffic/stats/local", sent[e].Counts))
                && global.Matches("traffic/stats/global", merged.Counts);
            Assert.True(await StatsListener.WaitUntilAsync(Exact, Settle), Describe(sent, locals, global));
            await Task.Delay(500); // nothing more arrives: the counts were not merely passing through the right values
            Assert.True(Exact(), Describe(sent, locals, global));
            if (more is not null) await more(locals, global, sent);
            return sent;
        }
        finally
        {
            foreach (var l in locals.Values) await l.DisposeAsync();
        }
    }

    private static string Describe(Dictionary<string, TrafficReport> sent, Dictionary<string, StatsListener> locals, StatsListener global) =>
        string.Join("; ", sent.Select(s => $"{s.Key}: sent {s.Value.WellFormed} well-formed, local stats count {locals[s.Key].Latest("traffic/stats/local").Values.Sum()} " +
            $"over {locals[s.Key].Messages("traffic/clean")} cleaned")) + $"; global count {global.Latest("traffic/stats/global").Values.Sum()} over {global.Messages("traffic/merged")} merged";

    private sealed record JobRef(string Site, string Id);

    private static Dictionary<string, JobRef> Jobs(JsonObject outputs) => outputs["jobs"]!.AsObject().ToDictionary(kv => kv.Key, kv =>
    {
        var parts = kv.Value!.GetValue<string>().Split('/');
        return new JobRef(parts[0], parts[1]);
    });

    /// <summary>Per job: where its flow is, its node ids and when it last started, read from the engines.</summary>
    private async Task<Dictionary<string, string>> SnapshotAsync(Dictionary<string, JobRef> jobs)
    {
        var result = new Dictionary<string, string>();
        foreach (var (name, job) in jobs)
        {
            var flows = await sites.FlowsAsync(job.Site);
            var nodes = flows.TryGetValue(job.Id, out var ids) ? string.Join(",", ids) : "(gone)";
            result[name] = $"{job.Site}/{job.Id} started {await sites.StartedAtAsync(job.Site, job.Id)} nodes {nodes}";
        }
        return result;
    }
}

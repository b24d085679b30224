using Speck.Harness.Deployment;
using Speck.Tests.Harness;
using Speck.Tests.Provider.Brokers.Mqtt;

namespace Speck.Tests.Provider.Spe.NodeRed;

/// <summary><c>import: &lt;site&gt;/&lt;flow ID&gt;?tier=…&amp;spe=…&amp;broker=…</c> of a Node-RED StreamJob through the engine harness, on a real Node-RED.</summary>
[Collection(HarnessCollection.Name)]
public sealed class NodeRedImportHarnessTests(SitesFixture sites)
{
    private const string Project = "nrimport";

    private const string Upper = "msg.payload = String(msg.payload).toUpperCase(); return msg;";

    private static string Program(string inTopic, string outTopic, string jobOptions = "", string function = Upper) => Programs.WithSite(Project,
        $"in: {{ type: speck:index:Topic, properties: {{ site: \"${{site.connection}}\", name: \"{inTopic}\" }} }}\n" +
        $"out: {{ type: speck:index:Topic, properties: {{ site: \"${{site.connection}}\", name: \"{outTopic}\" }} }}\n" +
        "job:\n" +
        "  type: speck:index:StreamJob\n" +
        "  properties:\n" +
        "    site: ${site.connection}\n" +
        "    sources: [\"${in.endpoint}\"]\n" +
        "    sink: ${out.endpoint}\n" +
        $"    nodeRed: {{ function: \"{function}\" }}\n" +
        jobOptions,
        "jobId: ${job.jobId}\nstate: ${job.state}", admin: false);

    private string ImportId(string flowId) => $"site/{flowId}?tier=edge&spe=nodered:{sites.Engine.Url}&broker={sites.Plain.Url}";

    [Fact]
    public async Task Import_by_site_and_flow_id_adopts_the_flow_as_it_runs_and_the_program_then_shows_no_change()
    {
        var (inTopic, outTopic) = (MqttTest.Unique("nri/in"), MqttTest.Unique("nri/out"));
        var config = Programs.Config(Project, sites, sites.Plain);
        using var owner = new ProgramDir(Program(inTopic, outTopic), config, stack: "owner");
        using var adopter = new ProgramDir(Program(inTopic, outTopic), config, stack: "adopter");
        var client = new Speck.Provider.Spe.NodeRed.NodeRedClient(new HttpClient { BaseAddress = new Uri(sites.Engine.Url + "/") });
        try
        {
            var made = await owner.Stack.UpAsync();
            Assert.True(made.Succeeded, string.Join("\n", made.Errors) + made.ProviderStderr);
            var flowId = made.Outputs["jobId"]!.GetValue<string>();
            var deployed = (await client.GetFlowAsync(flowId, CancellationToken.None))!.ToJsonString();
            adopter.WriteProgram(Program(inTopic, outTopic, $"  options:\n    import: \"{ImportId(flowId)}\"\n"));

            var imported = await adopter.Stack.UpAsync();

            Assert.True(imported.Succeeded, string.Join("\n", imported.Errors) + imported.ProviderStderr);
            // The import is followed by an update that records the program's inputs (docs/pulumi-engine.md §Import).
            Assert.Equal(flowId, imported.Outputs["jobId"]!.GetValue<string>());
            Assert.Equal("RUNNING", imported.Outputs["state"]!.GetValue<string>());
            var recorded = adopter.Stack.LoadState().Resources.Single(r => r.Name == "job");
            // The resource's own ID, not the import ID with the site's whereabouts.
            Assert.Equal($"site/{flowId}", recorded.Id);
            // The import's update recorded the program's inputs and cleared what the import adopted.
            Assert.False(recorded.Outputs.ContainsKey("adoptedInputs"));
            adopter.WriteProgram(Program(inTopic, outTopic));
            var preview = await adopter.Stack.PreviewAsync();
            Assert.True(preview.Succeeded, string.Join("\n", preview.Errors));
            Assert.Equal(StepKind.Same, preview.Step("job").Kind);
            // Nothing was redeployed: the engine holds the flow exactly as the owner deployed it.
            Assert.Equal(deployed, (await client.GetFlowAsync(flowId, CancellationToken.None))!.ToJsonString());

            // An ID no flow has: the import fails as "does not exist", before anything is created.
            using var missing = new ProgramDir(Program(inTopic, outTopic, $"  options:\n    import: \"{ImportId("0123456789abcdef")}\"\n"), config, stack: "missing");
            var refused = await missing.Stack.UpAsync();
            Assert.False(refused.Succeeded);
            Assert.Contains(refused.Errors, e => e.Contains("does not exist", StringComparison.Ordinal));
            Assert.DoesNotContain(refused.Calls, c => c.Method == "Create" && c.Urn!.EndsWith("::job", StringComparison.Ordinal));
            await missing.Stack.DestroyAsync();

            // The adopter owns the job now. Its first update redeploys it, as after a Flink import: the adopted flow's
            // node ids come from the owner's job key, so it is removed and the job deployed as the adopter's own flow;
            // one flow reads the source afterwards, never two.
            adopter.WriteProgram(Program(inTopic, outTopic, function: "msg.payload = 'v2:' + msg.payload; return msg;"));
            var changed = await adopter.Stack.UpAsync();
            Assert.True(changed.Succeeded, string.Join("\n", changed.Errors) + changed.ProviderStderr);
            Assert.Equal(StepKind.Update, changed.Step("job").Kind);
            var newFlowId = changed.Outputs["jobId"]!.GetValue<string>();
            Assert.Null(await client.GetFlowAsync(flowId, CancellationToken.None));
            Assert.Contains("v2:", (await client.GetFlowAsync(newFlowId, CancellationToken.None))!.ToJsonString());
            Assert.Equal(1, (await client.GetFlowsAsync(CancellationToken.None)).OfType<System.Text.Json.Nodes.JsonObject>()
                .Count(n => n["type"]?.GetValue<string>() == "mqtt in" && n["topic"]?.GetValue<string>() == inTopic));
            Assert.False(adopter.Stack.LoadState().Resources.Single(r => r.Name == "job").Outputs.ContainsKey("adoptedInputs"));
            var (sink, received) = await NodeRedTest.SinkAsync(sites.Plain, outTopic);
            using (sink)
            using (var publisher = await MqttTest.ConnectAsync(sites.Plain))
                Assert.True(await NodeRedTest.FlowsThroughAsync(publisher, inTopic, "x", received, "v2:x"));
            Assert.Equal(StepKind.Same, (await adopter.Stack.PreviewAsync()).Step("job").Kind);
            var down = await adopter.Stack.DestroyAsync();
            Assert.True(down.Succeeded, string.Join("\n", down.Errors));
            Assert.Null(await client.GetFlowAsync(newFlowId, CancellationToken.None));
        }
        finally
        {
            await adopter.Stack.DestroyAsync();
            await owner.Stack.DestroyAsync();
        }
    }
}

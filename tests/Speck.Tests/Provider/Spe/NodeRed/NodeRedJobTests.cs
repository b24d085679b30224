using System.Text.Json.Nodes;
using Speck.Provider.Brokers.Mqtt;
using Speck.Provider.Spe.NodeRed;
using Speck.Tests.Provider.Brokers.Mqtt;

namespace Speck.Tests.Provider.Spe.NodeRed;

public sealed class NodeRedJobTests(NodeRedSiteFixture site) : IClassFixture<NodeRedSiteFixture>
{
    [Fact]
    public async Task Deployed_flow_carries_data_through_the_function_from_source_to_sink()
    {
        var (inTopic, outTopic) = (MqttTest.Unique("in"), MqttTest.Unique("out"));
        var flow = NodeRedFlowBuilder.Build(NodeRedTest.UpperCaseJob(site, MqttTest.Unique("job"), inTopic, outTopic));
        var jobs = site.Jobs();
        var deployment = await jobs.DeployAsync(flow, CancellationToken.None);
        await jobs.WaitConnectedAsync(deployment.FlowId, flow, NodeRedTest.ConnectTimeout, CancellationToken.None);

        var (sink, received) = await NodeRedTest.SinkAsync(site.Broker, outTopic);
        using var publisher = await MqttTest.ConnectAsync(site.Broker);
        using (sink)
            Assert.True(await NodeRedTest.FlowsThroughAsync(publisher, inTopic, "hello", received, "HELLO"));
        Assert.DoesNotContain("hello", received);
        Assert.True(await jobs.DeleteAsync(deployment.FlowId, CancellationToken.None));
    }

    [Fact]
    public async Task Deploying_the_same_job_twice_replaces_its_one_flow()
    {
        var spec = NodeRedTest.UpperCaseJob(site, MqttTest.Unique("job"), MqttTest.Unique("in"), MqttTest.Unique("out"));
        var jobs = site.Jobs();
        var first = await jobs.DeployAsync(NodeRedFlowBuilder.Build(spec), CancellationToken.None);
        var second = await jobs.DeployAsync(NodeRedFlowBuilder.Build(spec with { FunctionBody = "return msg;" }), CancellationToken.None);

        Assert.Equal(first.FlowId, second.FlowId);
        Assert.NotEqual(first.Hash, second.Hash);
        var tabs = (await site.Client().GetFlowsAsync(CancellationToken.None)).OfType<JsonObject>()
            .Count(n => n["type"]?.GetValue<string>() == "tab" && n["label"]?.GetValue<string>() == spec.Name);
        Assert.Equal(1, tabs);
        Assert.Equal(NodeRedFlowState.InSync, (await jobs.ReadAsync(second.FlowId, second.Hash, CancellationToken.None)).State);
        await jobs.DeleteAsync(first.FlowId, CancellationToken.None);
    }

    [Fact]
    public async Task Redeploying_one_flow_leaves_the_other_flow_untouched()
    {
        var jobs = site.Jobs();
        var a = NodeRedTest.UpperCaseJob(site, MqttTest.Unique("a"), MqttTest.Unique("in"), MqttTest.Unique("out"));
        var b = NodeRedTest.UpperCaseJob(site, MqttTest.Unique("b"), MqttTest.Unique("in"), MqttTest.Unique("out"));
        var (flowA, flowB) = (NodeRedFlowBuilder.Build(a), NodeRedFlowBuilder.Build(b));
        var depA = await jobs.DeployAsync(flowA, CancellationToken.None);
        var depB = await jobs.DeployAsync(flowB, CancellationToken.None);
        await jobs.WaitConnectedAsync(depA.FlowId, flowA, NodeRedTest.ConnectTimeout, CancellationToken.None);
        await jobs.WaitConnectedAsync(depB.FlowId, flowB, NodeRedTest.ConnectTimeout, CancellationToken.None);
        var client = site.Client();
        var bBefore = (await client.GetFlowAsync(depB.FlowId, CancellationToken.None))!.ToJsonString();
        var bStatusBefore = (await client.GetFlowContextAsync(depB.FlowId, CancellationToken.None))!.ToJsonString();

        // A tab-level change (label) restarts every node of flow A, its broker connection included (docs/nodered.md
        // §What a PUT restarts).
        var changedA = NodeRedFlowBuilder.Build(a with { Name = a.Name + " v2", FunctionBody = "msg.payload = 'v2:' + msg.payload; return msg;" });
        var redeployed = await jobs.UpdateAsync(depA.FlowId, changedA, CancellationToken.None);
        await jobs.WaitConnectedAsync(redeployed.FlowId, changedA, NodeRedTest.ConnectTimeout, CancellationToken.None);

        Assert.Equal(depA.FlowId, redeployed.FlowId);
        Assert.Equal(bBefore, (await client.GetFlowAsync(depB.FlowId, CancellationToken.None))!.ToJsonString());
        // B's MQTT nodes reported no new status: they were not restarted.
        Assert.Equal(bStatusBefore, (await client.GetFlowContextAsync(depB.FlowId, CancellationToken.None))!.ToJsonString());
        Assert.Equal(NodeRedFlowState.InSync, (await jobs.ReadAsync(depB.FlowId, depB.Hash, CancellationToken.None)).State);

        using var publisher = await MqttTest.ConnectAsync(site.Broker);
        var (sinkA, gotA) = await NodeRedTest.SinkAsync(site.Broker, a.Sink!.Topic);
        var (sinkB, gotB) = await NodeRedTest.SinkAsync(site.Broker, b.Sink!.Topic);
        using (sinkA)
        using (sinkB)
        {
            Assert.True(await NodeRedTest.FlowsThroughAsync(publisher, a.Sources[0].Topic, "x", gotA, "v2:x"));
            Assert.True(await NodeRedTest.FlowsThroughAsync(publisher, b.Sources[0].Topic, "y", gotB, "Y"));
        }

        await jobs.DeleteAsync(depA.FlowId, CancellationToken.None);
        await jobs.DeleteAsync(depB.FlowId, CancellationToken.None);
    }

    [Fact]
    public async Task Read_finds_a_flow_deleted_or_edited_by_hand()
    {
        var jobs = site.Jobs();
        var client = site.Client();
        var spec = NodeRedTest.UpperCaseJob(site, MqttTest.Unique("job"), MqttTest.Unique("in"), MqttTest.Unique("out"));
        var dep = await jobs.DeployAsync(NodeRedFlowBuilder.Build(spec), CancellationToken.None);
        Assert.Equal(NodeRedFlowState.InSync, (await jobs.ReadAsync(dep.FlowId, dep.Hash, CancellationToken.None)).State);

        // Edited by hand: someone changes the function body in place.
        var live = (await client.GetFlowAsync(dep.FlowId, CancellationToken.None))!;
        var fn = live["nodes"]!.AsArray().OfType<JsonObject>().Single(n => n["id"]!.GetValue<string>().EndsWith("-fn", StringComparison.Ordinal));
        fn["func"] = "return null;";
        Assert.True(await client.PutFlowAsync(dep.FlowId, live, CancellationToken.None));
        var edited = await jobs.ReadAsync(dep.FlowId, dep.Hash, CancellationToken.None);
        Assert.Equal(NodeRedFlowState.Drifted, edited.State);
        Assert.NotEqual(dep.Hash, edited.LiveHash);

        // Deleted by hand.
        Assert.True(await client.DeleteFlowAsync(dep.FlowId, CancellationToken.None));
        Assert.Equal(NodeRedFlowState.Missing, (await jobs.ReadAsync(dep.FlowId, dep.Hash, CancellationToken.None)).State);
        await Assert.ThrowsAsync<NodeRedFlowGoneException>(() => jobs.UpdateAsync(dep.FlowId, NodeRedFlowBuilder.Build(spec), CancellationToken.None));
        Assert.False(await jobs.DeleteAsync(dep.FlowId, CancellationToken.None));
    }

    [Fact]
    public async Task Delete_leaves_no_persistent_session_on_the_broker()
    {
        var jobs = site.Jobs();
        var kept = NodeRedFlowBuilder.Build(NodeRedTest.UpperCaseJob(site, MqttTest.Unique("kept"), MqttTest.Unique("in"), MqttTest.Unique("out")));
        var cleaned = NodeRedFlowBuilder.Build(NodeRedTest.UpperCaseJob(site, MqttTest.Unique("cleaned"), MqttTest.Unique("in"), MqttTest.Unique("out")));
        var keptDep = await jobs.DeployAsync(kept, CancellationToken.None);
        var cleanedDep = await jobs.DeployAsync(cleaned, CancellationToken.None);
        await jobs.WaitConnectedAsync(keptDep.FlowId, kept, NodeRedTest.ConnectTimeout, CancellationToken.None);
        await jobs.WaitConnectedAsync(cleanedDep.FlowId, cleaned, NodeRedTest.ConnectTimeout, CancellationToken.None);

        // Control: a bare DELETE /flow leaves the broker holding the job's session.
        Assert.True(await site.Client().DeleteFlowAsync(keptDep.FlowId, CancellationToken.None));
        Assert.True(await jobs.DeleteAsync(cleanedDep.FlowId, CancellationToken.None));

        Assert.True(await NodeRedTest.SessionPresentAsync(site.Broker, kept.Prefix + "-broker0-client"));
        Assert.False(await NodeRedTest.SessionPresentAsync(site.Broker, cleaned.Prefix + "-broker0-client"));
    }

    [Fact]
    public async Task Import_by_flow_id_takes_the_flow_as_it_is()
    {
        var jobs = site.Jobs();
        var spec = NodeRedTest.UpperCaseJob(site, MqttTest.Unique("job"), MqttTest.Unique("in"), MqttTest.Unique("out"));
        var dep = await jobs.DeployAsync(NodeRedFlowBuilder.Build(spec), CancellationToken.None);

        var imported = await jobs.ImportAsync(dep.FlowId, CancellationToken.None);
        Assert.NotNull(imported);
        Assert.Equal(dep.Hash, imported.LiveHash);
        Assert.Equal(spec.Name, imported.Label);
        Assert.Null(await jobs.ImportAsync("no-such-flow", CancellationToken.None));
        await jobs.DeleteAsync(dep.FlowId, CancellationToken.None);
    }

    [Fact]
    public async Task Unknown_node_type_is_refused_before_anything_is_written_to_the_engine()
    {
        var spec = NodeRedTest.UpperCaseJob(site, MqttTest.Unique("job"), MqttTest.Unique("in"), MqttTest.Unique("out")) with
        {
            FunctionBody = null,
            Nodes = NodeRedTest.Nodes("""[{"id":"clean","type":"no-such-node","wires":[["sink"]]}]"""),
        };
        var flow = NodeRedFlowBuilder.Build(spec);
        site.Requests.Sent.Clear();

        var e = await Assert.ThrowsAsync<NodeRedFlowInvalidException>(() => site.Jobs().DeployAsync(flow, CancellationToken.None));

        Assert.Contains(e.Problems, p => p.Contains($"'{flow.Prefix}-u-clean'") && p.Contains("'no-such-node'"));
        Assert.Contains("GET /nodes", site.Requests.Sent);
        Assert.DoesNotContain(site.Requests.Sent, r => !r.StartsWith("GET ", StringComparison.Ordinal));
        var all = (await site.Client().GetFlowsAsync(CancellationToken.None)).ToJsonString();
        Assert.DoesNotContain(flow.Prefix, all);
    }

    [Fact]
    public async Task Broker_password_goes_to_node_red_as_a_credential_and_never_comes_back()
    {
        const string password = "Pw-never-echoed-5f1c";
        var broker = site.BrokerEndpoint.WithCredentials("job-user", password);
        var spec = NodeRedTest.UpperCaseJob(site, MqttTest.Unique("job"), MqttTest.Unique("in"), MqttTest.Unique("out"), broker);
        var flow = NodeRedFlowBuilder.Build(spec);
        Assert.Contains(password, flow.Body.ToJsonString());
        Assert.DoesNotContain(password, flow.ToString());
        Assert.DoesNotContain(password, spec.ToString());

        var jobs = site.Jobs();
        var dep = await jobs.DeployAsync(flow, CancellationToken.None);
        await jobs.WaitConnectedAsync(dep.FlowId, flow, NodeRedTest.ConnectTimeout, CancellationToken.None);
        using var http = new HttpClient();
        var raw = await http.GetStringAsync($"{site.Engine.Url}/flow/{dep.FlowId}");
        var reading = await jobs.ReadAsync(dep.FlowId, dep.Hash, CancellationToken.None);

        Assert.Contains("job-user", flow.Body.ToJsonString());
        Assert.DoesNotContain(password, raw);
        Assert.DoesNotContain(password, reading.Flow!.ToJsonString());
        Assert.DoesNotContain(password, reading.ToString());
        Assert.DoesNotContain(password, dep.ToString());
        // Stored encrypted with the engine's credentialSecret.
        Assert.DoesNotContain(password, await File.ReadAllTextAsync(Path.Combine(site.Engine.UserDirectory, "flows_cred.json")));
        // Credentials do not enter the hash, so a read finds no drift even though Node-RED hides them.
        Assert.Equal(NodeRedFlowState.InSync, reading.State);
        await jobs.DeleteAsync(dep.FlowId, CancellationToken.None);
    }
}

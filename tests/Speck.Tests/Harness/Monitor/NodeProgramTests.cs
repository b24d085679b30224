using System.Text.Json.Nodes;
using Speck.FlinkStandIn.Jars;
using Speck.Harness.Deployment;
using Speck.Harness.Protocol;
using Speck.Harness.State;
using Speck.Tests.Provider.Resources.StreamJob;

namespace Speck.Tests.Harness.Monitor;

/// <summary>
/// A JavaScript program run through the harness's resource monitor by the real @pulumi/pulumi runtime (as
/// pulumi-language-nodejs runs it), on a Flink stand-in and a Mosquitto broker: the same steps and state as the YAML
/// program of the same resources.
/// </summary>
public sealed class NodeProgramTests : IAsyncLifetime
{
    private const string Project = "onejob";
    private const string Token = "flink-token-0f3c9a77";
    private OneFlinkSite _site = null!;
    private readonly byte[] _jar = TestJar.Build("org.speck.jobs.Filter");

    public async Task InitializeAsync()
    {
        _site = await OneFlinkSite.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
    }

    private Dictionary<string, string> Config() => new(_site.Config(Project)) { [$"{Project}:speToken"] = Token };

    private NodeProgramDir Node(string args = "[]", string extra = "", string jobOptions = "{}")
    {
        var dir = new NodeProgramDir(Project, OneJobPrograms.JavaScript(_site.SavepointDir, args, extra, jobOptions), Config());
        File.WriteAllBytes(Path.Combine(dir.Path, "filter.jar"), _jar);
        return dir;
    }

    private static void Ok(DeploymentResult r, string what) =>
        Assert.True(r.Succeeded, $"{what}: {string.Join("\n", r.Errors)}\n{r.ProgramOutput}\n{r.ProviderStderr}");

    /// <summary>A resource's state with what differs between two deployments of it (ids, times, the provider's id) left out.</summary>
    private static JsonObject Comparable(ResourceState r) => new()
    {
        ["urn"] = r.Urn, ["type"] = r.Type, ["custom"] = r.Custom, ["provider"] = r.Provider?[..r.Provider.LastIndexOf("::", StringComparison.Ordinal)], ["protect"] = r.Protect,
        // The values, and whether they hold a secret. Where: the SDK sends an output that holds a secret as a secret
        // as a whole (a topic's whole `site`), the YAML evaluator keeps the secret at its leaf (`site.spe.token`).
        ["inputs"] = Sig.Unwrap(r.Inputs)!.DeepClone(),
        ["inputsHoldSecrets"] = Sig.ContainsSecret(r.Inputs),
        ["outputKeys"] = new JsonArray(r.Outputs.Select(kv => kv.Key).Order().Select(k => (JsonNode)JsonValue.Create(k)!).ToArray()),
        ["dependencies"] = new JsonArray(r.Dependencies.Order().Select(d => (JsonNode)JsonValue.Create(d)!).ToArray()),
        ["propertyDependencies"] = new JsonObject(r.PropertyDependencies.OrderBy(kv => kv.Key).Select(kv =>
            KeyValuePair.Create(kv.Key, (JsonNode?)new JsonArray(kv.Value.Order().Select(d => (JsonNode)JsonValue.Create(d)!).ToArray())))),
    };

    private static List<JsonObject> CustomResources(StateFile state) =>
        state.Resources.Where(r => r.Custom && r.Type != "pulumi:providers:speck").OrderBy(r => r.Urn).Select(Comparable).ToList();

    [Fact]
    public async Task A_child_that_sends_no_protect_is_protected_when_its_parent_is_as_the_engine_inherits_it()
    {
        using var node = Node(extra: """
            const group = new pulumi.ComponentResource("my:index:Group", "group", {}, { protect: true });
            // Parented by URN only, as a component provider's children are: the SDK sees no protect to inherit and sends none.
            group.urn.apply(u => new pulumi.CustomResource("speck:index:Topic", "guarded",
                { site: site.connection, name: "sensors/guarded", endpoint: undefined }, { parent: new pulumi.DependencyResource(u) }));
            """);
        Ok(await node.Stack.UpAsync(), "node up");
        var state = node.Stack.LoadState();
        Assert.True(state.Resources.Single(r => r.Name == "group").Protect);
        Assert.True(state.Resources.Single(r => r.Name == "guarded").Protect);
        Assert.False(state.Resources.Single(r => r.Name == "in").Protect);
    }

    [Fact]
    public async Task The_javascript_program_gives_the_yaml_programs_urns_and_state_keeps_its_secret_and_destroy_empties_it()
    {
        List<JsonObject> yamlState;
        using (var yaml = new ProgramDir(OneJobPrograms.Yaml(Project, _site.SavepointDir, "[]"), Config(), "dev"))
        {
            File.WriteAllBytes(Path.Combine(yaml.Path, "filter.jar"), _jar);
            Ok(await yaml.Stack.UpAsync(), "yaml up");
            yamlState = CustomResources(yaml.Stack.LoadState());
            Ok(await yaml.Stack.DestroyAsync(), "yaml destroy");
        }

        using var node = Node();
        var up = await node.Stack.UpAsync();

        Ok(up, "node up");
        Assert.Equal(["in", "job", "out", "site"], up.Steps.Where(s => s.Type.StartsWith("speck:", StringComparison.Ordinal)).Select(s => s.Name).Order());
        Assert.All(up.Steps.Where(s => s.Type.StartsWith("speck:", StringComparison.Ordinal)), s => Assert.Equal(StepKind.Create, s.Kind));
        var state = node.Stack.LoadState();
        var nodeState = CustomResources(state);
        Assert.Equal(yamlState.Count, nodeState.Count);
        foreach (var (y, n) in yamlState.Zip(nodeState)) Assert.Equal(y.ToJsonString(), n.ToJsonString());
        Assert.Equal("RUNNING", up.Outputs["state"]!.GetValue<string>());
        // The root stack resource is the program's own, as the SDK registers it; its outputs are the stack's.
        var stackResource = Assert.Single(state.Resources, r => r.Type == "pulumi:pulumi:Stack");
        Assert.Equal($"urn:pulumi:dev::{Project}::pulumi:pulumi:Stack::{Project}-dev", stackResource.Urn);
        Assert.Equal(up.Outputs["jobId"]!.GetValue<string>(), stackResource.Outputs["jobId"]!.GetValue<string>());
        // The engine token came from secure config: secret in the site's inputs, never plain text in the state file.
        var site = state.Resources.Single(r => r.Name == "site");
        Assert.True(Sig.IsSecret(site.Inputs["spe"]!["token"]) || Sig.IsSecret(site.Inputs["spe"]), site.Inputs.ToJsonString());
        Assert.DoesNotContain(Token, node.StateText);
        Assert.DoesNotContain(Token, up.ProgramOutput);

        var destroy = await node.Stack.DestroyAsync();

        Ok(destroy, "node destroy");
        Assert.Empty(node.Stack.LoadState().Resources);
        Assert.DoesNotContain(_site.Flink.Jobs, j => j.State == Speck.FlinkStandIn.Jobs.JobStatus.RUNNING);
    }

    [Fact]
    public async Task Preview_unknowns_reach_the_program_and_an_update_of_one_job_touches_only_it()
    {
        using var node = Node("[\"--threshold=1\"]",
            "exports.siteId = site.id;\nexports.connectionSeen = site.connection.apply(c => JSON.parse(c).siteName ? \"known\" : \"empty\");");

        var preview = await node.Stack.PreviewAsync();

        Ok(preview, "preview");
        // The site is to be created: its id and connection are unknown, so the program's apply never ran.
        Assert.True(Sig.IsUnknown(preview.Outputs["siteId"]), preview.Outputs.ToJsonString());
        Assert.True(Sig.IsUnknown(preview.Outputs["connectionSeen"]), preview.Outputs.ToJsonString());
        Assert.Empty(_site.Flink.Jobs);

        var up = await node.Stack.UpAsync();
        Ok(up, "up");
        // The connection holds the engine token, so what the program made of it is secret too.
        Assert.Equal("known", Sig.Unwrap(up.Outputs["connectionSeen"])!.GetValue<string>());
        var jobId = up.Outputs["jobId"]!.GetValue<string>();

        node.WriteProgram(OneJobPrograms.JavaScript(_site.SavepointDir, "[\"--threshold=2\"]",
            "exports.siteId = site.id;\nexports.connectionSeen = site.connection.apply(c => JSON.parse(c).siteName ? \"known\" : \"empty\");"));
        var change = await node.Stack.UpAsync();

        Ok(change, "second up");
        var steps = change.Steps.Where(s => s.Type.StartsWith("speck:", StringComparison.Ordinal)).ToDictionary(s => s.Name, s => s.Kind);
        Assert.Equal(StepKind.Update, steps["job"]);
        Assert.Equal(StepKind.Same, steps["site"]);
        Assert.Equal(StepKind.Same, steps["in"]);
        Assert.Equal(StepKind.Same, steps["out"]);
        Assert.NotEqual(jobId, change.Outputs["jobId"]!.GetValue<string>());
        Ok(await node.Stack.DestroyAsync(), "destroy");
    }

    [Fact]
    public async Task The_import_option_adopts_a_running_job_and_refresh_finds_it_unchanged()
    {
        using var owner = Node();
        var made = await owner.Stack.UpAsync();
        Ok(made, "owner up");
        var jobId = made.Outputs["jobId"]!.GetValue<string>();
        var id = $"site/{jobId}?tier=fog&spe=flink:{_site.Flink.BaseUrl}&broker={_site.Broker.Url}&source=sensors/in&sink=sensors/out&artifact=filter.jar&entryClass=org.speck.jobs.Filter";
        using var adopter = Node(jobOptions: $"{{ import: {System.Text.Json.JsonSerializer.Serialize(id)} }}");

        var imported = await adopter.Stack.UpAsync();

        Ok(imported, "adopter up");
        Assert.True(imported.Step("job").Imported || imported.Step("job").Kind == StepKind.Import, imported.Step("job").ToString());
        Assert.Equal(jobId, imported.Outputs["jobId"]!.GetValue<string>());
        Assert.Equal(Speck.FlinkStandIn.Jobs.JobStatus.RUNNING, Assert.Single(_site.Flink.Jobs).State);
        var refresh = await adopter.Stack.RefreshAsync();
        Ok(refresh, "refresh");
        Assert.DoesNotContain(refresh.Steps, s => s.Drift && s.Name == "job");
    }
}

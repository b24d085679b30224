using System.Text.Json;
using System.Text.Json.Nodes;
using Speck.FlinkStandIn.Jars;
using Speck.FlinkStandIn.Jobs;
using Speck.Harness.Deployment;
using Speck.Harness.Protocol;
using Speck.Tests.Provider.Resources.StreamJob;

namespace Speck.Tests.Harness.Monitor;

/// <summary>
/// <c>Resource.get</c> and functions from a JavaScript program run by the real @pulumi/pulumi runtime: another stack's
/// site, topic and job read by import ID through ReadResource (preview and up), recorded as external, refreshed by
/// Read alone, and left running by destroy or by an up that reads them no more; Invoke served as the engine does.
/// </summary>
public sealed class ReadResourceTests : IAsyncLifetime
{
    private const string Project = "onejob";
    private const string Token = "flink-token-0f3c9a77";
    private OneFlinkSite _site = null!;
    private readonly byte[] _jar = TestJar.Build("org.speck.jobs.Filter");

    public async Task InitializeAsync() => _site = await OneFlinkSite.StartAsync();

    public async Task DisposeAsync() => await _site.DisposeAsync();

    private Dictionary<string, string> Config() => new(_site.Config(Project))
    {
        [$"{Project}:speToken"] = Token,
        // What a site read by ID does not carry: the engine's token, by URL (README §Import IDs).
        ["speck:credentials"] = new JsonObject { ["engines"] = new JsonObject { [_site.Flink.BaseUrl] = new JsonObject { ["token"] = Token } } }.ToJsonString(),
    };

    private NodeProgramDir Owner()
    {
        var dir = new NodeProgramDir(Project, OneJobPrograms.JavaScript(_site.SavepointDir, "[]"), Config(), stack: "owner");
        File.WriteAllBytes(Path.Combine(dir.Path, "filter.jar"), _jar);
        return dir;
    }

    private NodeProgramDir ReaderDir(string program)
    {
        var dir = new NodeProgramDir(Project, program, Config(), stack: "reader");
        File.WriteAllBytes(Path.Combine(dir.Path, "filter.jar"), _jar);
        return dir;
    }

    private string Where => $"?tier=fog&spe=flink:{_site.Flink.BaseUrl}&broker={_site.Broker.Url}";

    /// <summary>A program that reads the site, topic <c>in</c> and, unless left out, the job, as a generated SDK's <c>get</c> does.</summary>
    private string Reader(string jobId, bool withJob = true) => $$"""
        "use strict";
        const pulumi = require("@pulumi/pulumi");
        const get = (type, name, id, outputs) => new pulumi.CustomResource(type, name, outputs, { id });
        const site = get("speck:index:SpeSite", "site", {{Js("site" + Where)}}, { tier: undefined, connection: undefined });
        const topic = get("speck:index:Topic", "in", {{Js("site/sensors%2Fin" + Where)}}, { name: undefined });
        exports.tier = site.tier;
        exports.siteId = site.id;
        exports.topicName = topic.name;
        {{(withJob ? $$"""
        const job = get("speck:index:StreamJob", "job", {{Js($"site/{jobId}{Where}&source=sensors/in&sink=sensors/out&artifact=filter.jar&entryClass=org.speck.jobs.Filter")}}, { state: undefined, jobId: undefined });
        exports.jobState = job.state;
        """ : "")}}
        """;

    private static string Js(string s) => JsonSerializer.Serialize(s);

    private static void Ok(DeploymentResult r, string what) =>
        Assert.True(r.Succeeded, $"{what}: {string.Join("\n", r.Errors)}\n{r.ProgramOutput}\n{r.ProviderStderr}");

    private static string? Text(JsonNode? n) => Sig.Unwrap(n)?.GetValue<string>();

    [Fact]
    public async Task Another_stacks_site_topic_and_job_are_read_by_id_in_preview_and_up_kept_external_refreshed_and_left_running_by_destroy()
    {
        using var owner = Owner();
        var made = await owner.Stack.UpAsync();
        Ok(made, "owner up");
        var jobId = made.Outputs["jobId"]!.GetValue<string>();
        using var reader = ReaderDir(Reader(jobId));

        var preview = await reader.Stack.PreviewAsync();

        // Reads run in a preview too (ReadStep.Apply): the program sees the real outputs, and nothing is recorded.
        Ok(preview, "reader preview");
        Assert.Equal(["in", "job", "site"], preview.Steps.Where(s => s.Kind == StepKind.Read).Select(s => s.Name).Order());
        Assert.Equal("fog", Text(preview.Outputs["tier"]));
        Assert.Equal("sensors/in", Text(preview.Outputs["topicName"]));
        Assert.Equal("RUNNING", Text(preview.Outputs["jobState"]));
        Assert.DoesNotContain(reader.Stack.LoadState().Resources, r => r.Custom && r.Type.StartsWith("speck:index:", StringComparison.Ordinal));

        var up = await reader.Stack.UpAsync();

        Ok(up, "reader up");
        Assert.Equal("RUNNING", Text(up.Outputs["jobState"]));
        var read = reader.Stack.LoadState().Resources.Where(r => r.Type.StartsWith("speck:index:", StringComparison.Ordinal)).ToList();
        // The provider's Read took the import ID and gave back the resource's own id (a site's is its name), which
        // the state records (step.go:1373-1375); the SDK resolves the program's id from the one it asked for.
        Assert.Equal("site", read.Single(r => r.Name == "site").Id);
        Assert.StartsWith("site?tier=fog", Text(up.Outputs["siteId"]));
        Assert.Equal(3, read.Count);
        Assert.All(read, r => Assert.True(r.External, r.Urn));
        Assert.Contains("\"external\": true", reader.StateText);
        // Read's request: the id, and the given properties (none) as inputs and state: the provider's import path.
        var reads = up.Calls.Where(c => c.Method == "Read" && c.Urn!.EndsWith("::job", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(reads);
        Assert.All(reads, c => Assert.StartsWith($"site/{jobId}?", c.Request["id"]!.GetValue<string>()));

        var refresh = await reader.Stack.RefreshAsync();

        Ok(refresh, "reader refresh");
        Assert.Equal(3, refresh.Steps.Count(s => s.External && s.Kind == StepKind.Same));
        // An external resource is not diffed on refresh: its outputs are compared (step.go:1679-1680), assets by hash
        // (the job's artifact comes back from Read without the path the import gave it).
        Assert.DoesNotContain(refresh.Calls, c => c.Method == "Diff");

        var destroy = await reader.Stack.DestroyAsync();

        Ok(destroy, "reader destroy");
        Assert.DoesNotContain(destroy.Calls, c => c.Method == "Delete");
        Assert.Equal(3, destroy.Steps.Count(s => s.Kind == StepKind.Delete && s.External));
        Assert.DoesNotContain(reader.Stack.LoadState().Resources, r => r.Custom && r.Type.StartsWith("speck:index:", StringComparison.Ordinal));
        Assert.Equal(JobStatus.RUNNING, Assert.Single(_site.Flink.Jobs).State);
        Ok(await owner.Stack.RefreshAsync(), "owner refresh");
        Ok(await owner.Stack.DestroyAsync(), "owner destroy");
    }

    [Fact]
    public async Task An_up_that_reads_the_job_no_more_discards_it_from_the_state_without_a_delete()
    {
        using var owner = Owner();
        var made = await owner.Stack.UpAsync();
        Ok(made, "owner up");
        var jobId = made.Outputs["jobId"]!.GetValue<string>();
        using var reader = ReaderDir(Reader(jobId));
        Ok(await reader.Stack.UpAsync(), "reader up");

        reader.WriteProgram(Reader(jobId, withJob: false));
        var up = await reader.Stack.UpAsync();

        Ok(up, "reader up without the job");
        var discard = Assert.Single(up.Steps, s => s.Name == "job");
        Assert.Equal(StepKind.Delete, discard.Kind);
        Assert.True(discard.External);
        Assert.DoesNotContain(up.Calls, c => c.Method == "Delete");
        Assert.DoesNotContain(reader.Stack.LoadState().Resources, r => r.Name == "job");
        Assert.Equal(JobStatus.RUNNING, Assert.Single(_site.Flink.Jobs).State);
        Ok(await owner.Stack.DestroyAsync(), "owner destroy");
    }

    [Fact]
    public async Task A_get_that_takes_the_urn_of_a_managed_site_with_another_id_reads_it_and_deletes_the_managed_one()
    {
        using var program = ReaderDir($$"""
            "use strict";
            const pulumi = require("@pulumi/pulumi");
            new pulumi.CustomResource("speck:index:SpeSite", "site", {
                tier: "fog", spe: { kind: "flink", url: {{Js(_site.Flink.BaseUrl)}} }, broker: { kind: "mqtt", url: {{Js(_site.Broker.Url)}} }, connection: undefined,
            });
            """);
        Ok(await program.Stack.UpAsync(), "managed up");
        program.WriteProgram($$"""
            "use strict";
            const pulumi = require("@pulumi/pulumi");
            new pulumi.CustomResource("speck:index:SpeSite", "site", { connection: undefined }, { id: {{Js("site" + Where)}} });
            """);

        var up = await program.Stack.UpAsync();

        // The managed site's id is "site", the get's the import ID: a read-replacement, and the managed one's Delete.
        Ok(up, "up with the get");
        Assert.Contains(up.Steps, s => s.Kind == StepKind.Read && s.OfReplacement && s.External);
        Assert.Contains(up.Steps, s => s.Kind == StepKind.Delete && s.OfReplacement && !s.External);
        Assert.Single(up.Calls, c => c.Method == "Delete");
        var site = Assert.Single(program.Stack.LoadState().Resources, r => r.Type == "speck:index:SpeSite");
        Assert.True(site.External);
    }

    [Fact]
    public async Task A_read_of_a_missing_resource_fails_naming_the_id()
    {
        var id = $"site/{Guid.NewGuid():N}{Where}&source=sensors/in&sink=sensors/out&artifact=filter.jar&entryClass=org.speck.jobs.Filter";
        using var reader = ReaderDir($$"""
            "use strict";
            const pulumi = require("@pulumi/pulumi");
            new pulumi.CustomResource("speck:index:StreamJob", "job", { state: undefined }, { id: {{Js(id)}} });
            """);

        var preview = await reader.Stack.PreviewAsync();

        Assert.False(preview.Succeeded);
        Assert.Contains(preview.Errors, e => e.Contains($"resource '{id}' does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invoke_serves_getResource_from_the_deployment_and_an_unknown_function_fails_naming_it()
    {
        using var program = new NodeProgramDir(Project, OneJobPrograms.JavaScript(_site.SavepointDir, "[]") + """

            // After the site's id is known, so the preview (where it is not) leaves the output unknown.
            exports.gotId = pulumi.all([site.urn, site.id]).apply(([urn]) => pulumi.runtime.invoke("pulumi:pulumi:getResource", { urn }).then(r => r.id));
            exports.siteId = site.id;
            exports.unknown = pulumi.runtime.invoke("speck:index:noSuchFunction", {}).then(() => "answered", e => e.message);
            """, Config(), stack: "dev");
        File.WriteAllBytes(Path.Combine(program.Path, "filter.jar"), _jar);

        var up = await program.Stack.UpAsync();

        Ok(up, "up");
        Assert.Equal(Text(up.Outputs["siteId"]), Text(up.Outputs["gotId"]));
        // The provider's error, wrapped by the engine (the SDK's message leaves out the gRPC code).
        Assert.Equal("invocation of speck:index:noSuchFunction returned an error: " +
            "unknown function 'speck:index:noSuchFunction': package 'speck' has no functions", Text(up.Outputs["unknown"]));
        Ok(await program.Stack.DestroyAsync(), "destroy");
    }
}

namespace Speck.Tests.Harness.Monitor;

/// <summary>
/// One pipeline written twice: a Flink site (its engine token a secret from the stack config), topics <c>in</c> and
/// <c>out</c>, and a job <c>job</c> reading the one and writing the other from <c>filter.jar</c>: as Pulumi YAML, and
/// as a plain JavaScript program on @pulumi/pulumi (no generated SDK: <c>pulumi.CustomResource</c> with the output
/// properties it reads declared <c>undefined</c>, as generated SDKs do).
/// </summary>
internal static class OneJobPrograms
{
    public static string Yaml(string project, string savepointDir, string args) => Provider.Resources.StreamJob.OneJobProgram.Yaml(project,
        $"      upgradeMode: stateless\n      savepointDirectory: {savepointDir}\n      readinessSeconds: 1\n      arguments: {args}",
        "  jobId: ${job.jobId}\n  state: ${job.state}", speToken: true);

    /// <param name="extra">JavaScript run after the resources are declared (e.g. more exports).</param>
    /// <param name="jobOptions">The job's resource options, a JavaScript object (e.g. <c>{ import: "…" }</c>).</param>
    public static string JavaScript(string savepointDir, string args, string extra = "", string jobOptions = "{}") => $$"""
        "use strict";
        const pulumi = require("@pulumi/pulumi");
        const config = new pulumi.Config();
        const site = new pulumi.CustomResource("speck:index:SpeSite", "site", {
            tier: "fog",
            spe: { kind: "flink", url: config.require("speUrl"), token: config.requireSecret("speToken") },
            broker: { kind: "mqtt", url: config.require("brokerUrl") },
            connection: undefined,
        });
        const topic = (name, topicName) => new pulumi.CustomResource("speck:index:Topic", name, {
            site: site.connection, name: topicName, endpoint: undefined,
        });
        const input = topic("in", "sensors/in");
        const output = topic("out", "sensors/out");
        const job = new pulumi.CustomResource("speck:index:StreamJob", "job", {
            site: site.connection,
            artifact: new pulumi.asset.FileAsset("filter.jar"),
            entryClass: "org.speck.jobs.Filter",
            sources: [input.endpoint],
            sink: output.endpoint,
            upgradeMode: "stateless",
            savepointDirectory: {{System.Text.Json.JsonSerializer.Serialize(savepointDir)}},
            readinessSeconds: 1,
            arguments: {{args}},
            jobId: undefined,
            state: undefined,
        }, {{jobOptions}});
        exports.jobId = job.jobId;
        exports.state = job.state;
        {{extra}}
        """;
}

namespace Speck.Tests.Provider.Resources.StreamJob;

/// <summary>
/// The program the single-job harness tests share: a Flink site on a plain broker, topics <c>in</c> and <c>out</c>,
/// and one job <c>job</c> reading the one and writing the other from <c>filter.jar</c>. Callers add the job's other
/// properties (and resource options) as lines indented to sit under it, and the outputs indented under <c>outputs:</c>.
/// </summary>
internal static class OneJobProgram
{
    /// <param name="speToken">Give the engine a token, a secret from the stack config key <c>speToken</c>.</param>
    public static string Yaml(string project, string jobLines, string outputLines, bool speToken = false) => $$"""
        name: {{project}}
        runtime: yaml
        config:
          speUrl: { type: string }
          brokerUrl: { type: string }{{(speToken ? "\n  speToken: { type: string, secret: true }" : "")}}
        resources:
          site:
            type: speck:index:SpeSite
            properties:
              tier: fog
              spe: { kind: flink, url: "${speUrl}"{{(speToken ? ", token: \"${speToken}\"" : "")}} }
              broker: { kind: mqtt, url: "${brokerUrl}" }
          in:
            type: speck:index:Topic
            properties: { site: "${site.connection}", name: sensors/in }
          out:
            type: speck:index:Topic
            properties: { site: "${site.connection}", name: sensors/out }
          job:
            type: speck:index:StreamJob
            properties:
              site: ${site.connection}
              artifact:
                fn::fileAsset: filter.jar
              entryClass: org.speck.jobs.Filter
              sources: ["${in.endpoint}"]
              sink: ${out.endpoint}
        {{jobLines}}
        outputs:
        {{outputLines}}
        """;
}

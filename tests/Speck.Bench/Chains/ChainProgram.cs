using System.Text;

namespace Speck.Bench.Chains;

/// <summary>
/// The Pulumi YAML program of a chain: job <c>i</c> reads topic <c>i</c> and writes topic <c>i+1</c>. Each job runs on
/// a site drawn at random (fixed seed); topic 0 lives on job 0's site and topic <c>i+1</c> on the site of job <c>i</c>,
/// which writes it. <see cref="Versions"/> is the <c>--threshold</c> argument of each job (on Node-RED: a constant in
/// its function body): changing it is a modify.
/// </summary>
public sealed record ChainProgram(int Jobs, int Sites, IReadOnlyList<int> SiteOfJob, IReadOnlyList<int> Versions)
{
    /// <summary>Node-RED sites (each its own dynsec broker, jobs as function flows, stateless) instead of Flink ones.</summary>
    public bool NodeRed { get; init; }

    public const string EntryClass = "org.example.speck.Filter";
    public const int Seed = 6;

    public static ChainProgram RandomNodeRed(int jobs, int sites) => Random(jobs, sites) with { NodeRed = true };

    public static ChainProgram Random(int jobs, int sites)
    {
        var rng = new Random(Seed);
        return new ChainProgram(jobs, sites, Enumerable.Range(0, jobs).Select(_ => rng.Next(sites)).ToList(), Enumerable.Repeat(1, jobs).ToList());
    }

    /// <summary>The same chain with <paramref name="k"/> jobs (drawn with a fixed seed) given a new argument.</summary>
    public (ChainProgram Modified, IReadOnlySet<int> Changed) Modify(int k)
    {
        var rng = new Random(Seed + Jobs);
        var changed = Enumerable.Range(0, Jobs).OrderBy(_ => rng.Next()).Take(k).ToHashSet();
        var versions = Versions.Select((v, i) => changed.Contains(i) ? v + 1 : v).ToList();
        return (this with { Versions = versions }, changed);
    }

    public static string JobName(int i) => $"job{i}";

    private int SiteOfTopic(int t) => SiteOfJob[Math.Max(0, t - 1)];

    public string Yaml()
    {
        var y = new StringBuilder();
        y.AppendLine("name: chain").AppendLine("runtime: yaml").AppendLine("config:");
        if (!NodeRed) y.AppendLine("  jar: { type: string }").AppendLine("  savepointDir: { type: string }");
        for (var s = 0; s < Sites; s++)
        {
            y.AppendLine($"  site{s}SpeUrl: {{ type: string }}").AppendLine($"  site{s}BrokerUrl: {{ type: string }}");
            if (NodeRed) y.AppendLine($"  site{s}AdminPassword: {{ type: string, secret: true }}");
        }
        y.AppendLine("resources:");
        for (var s = 0; s < Sites; s++)
        {
            y.AppendLine($"  site{s}:").AppendLine("    type: speck:index:SpeSite").AppendLine("    properties:");
            y.AppendLine("      tier: fog");
            y.AppendLine($"      spe: {{ kind: {(NodeRed ? "nodered" : "flink")}, url: \"${{site{s}SpeUrl}}\" }}");
            y.AppendLine(NodeRed
                ? $"      broker: {{ kind: mqtt, url: \"${{site{s}BrokerUrl}}\", adminUsername: admin, adminPassword: {{ \"fn::secret\": \"${{site{s}AdminPassword}}\" }} }}"
                : $"      broker: {{ kind: mqtt, url: \"${{site{s}BrokerUrl}}\" }}");
        }
        for (var t = 0; t <= Jobs; t++)
        {
            y.AppendLine($"  t{t}:").AppendLine("    type: speck:index:Topic").AppendLine("    properties:");
            y.AppendLine($"      site: ${{site{SiteOfTopic(t)}.connection}}").AppendLine($"      name: chain/t{t}");
        }
        for (var j = 0; j < Jobs; j++)
        {
            y.AppendLine($"  {JobName(j)}:").AppendLine("    type: speck:index:StreamJob").AppendLine("    properties:");
            y.AppendLine($"      site: ${{site{SiteOfJob[j]}.connection}}");
            y.AppendLine($"      sources: [ \"${{t{j}.endpoint}}\" ]").AppendLine($"      sink: ${{t{j + 1}.endpoint}}");
            if (NodeRed)
            {
                y.AppendLine($"      nodeRed: {{ function: \"msg.threshold = {Versions[j]}; return msg;\" }}");
                y.AppendLine("      upgradeMode: stateless");
                continue;
            }
            y.AppendLine("      jarPath: ${jar}").AppendLine($"      entryClass: {EntryClass}");
            y.AppendLine($"      arguments: [ \"--threshold\", \"{Versions[j]}\" ]");
            y.AppendLine("      savepointDirectory: ${savepointDir}");
        }
        return y.ToString();
    }
}

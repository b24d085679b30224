using System.Text;
using System.Text.Json.Nodes;

namespace Speck.Bench.Chains;

/// <summary>
/// Bytes per StreamJob in the state file as the harness writes it: the resource's <c>inputs</c> and <c>outputs</c>
/// objects serialised compactly (the SpecK paper's 754 B, docs/speck-paper.md §Fig. 6: chains, counts the same two),
/// with the share of each top-level property.
/// </summary>
public sealed record StateSize(int Jobs, double BytesPerJob, double InputBytesPerJob, double OutputBytesPerJob, IReadOnlyList<(string Property, double Bytes)> ByProperty)
{
    public static StateSize Of(string statePath)
    {
        var root = JsonNode.Parse(File.ReadAllText(statePath))!.AsObject();
        var jobs = root["resources"]!.AsArray().Select(r => r!.AsObject())
            .Where(r => r["type"]?.GetValue<string>() == "speck:index:StreamJob").ToList();
        if (jobs.Count == 0) return new StateSize(0, 0, 0, 0, []);
        static int Bytes(JsonNode? n) => n is null ? 0 : Encoding.UTF8.GetByteCount(n.ToJsonString());
        var inputs = jobs.Average(j => (double)Bytes(j["inputs"]));
        var outputs = jobs.Average(j => (double)Bytes(j["outputs"]));
        var byProperty = new Dictionary<string, double>();
        foreach (var j in jobs)
            foreach (var part in new[] { j["inputs"], j["outputs"] })
                foreach (var (k, v) in part?.AsObject() ?? [])
                    byProperty[k] = byProperty.GetValueOrDefault(k) + Bytes(v) + Encoding.UTF8.GetByteCount(k) + 4;
        return new StateSize(jobs.Count, inputs + outputs, inputs, outputs,
            byProperty.OrderByDescending(kv => kv.Value).Select(kv => (kv.Key, kv.Value / jobs.Count)).ToList());
    }
}

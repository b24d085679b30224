using Speck.Host.Resources;

namespace Speck.Provider.Pipeline;

/// <summary>A topic as the pipeline knows it: a name on a broker (the same name on two brokers is two topics).</summary>
public sealed record PipelineTopic(string Broker, string Name)
{
    public override string ToString() => $"'{Name}' on {Broker}";
}

/// <summary>
/// Checks on the whole pipeline, which no single resource can make (issue 14): unique job names, no cycle, no topic
/// read on one broker that is written only on another (a mistyped address), and the external inputs (topics read
/// that no job writes: data the pipeline expects from outside, listed in the preview). Errors name the job and field.
/// </summary>
public static class PipelineGraph
{
    public sealed record Result(IReadOnlyList<CheckFailureInfo> Failures, IReadOnlyList<PipelineTopic> ExternalInputs);

    public static PipelineTopic Source(PipelineJob j) => new(Key(j.SourceBroker), j.SourceTopic);
    public static PipelineTopic Sink(PipelineJob j) => new(Key(j.SinkBroker), j.SinkTopic);

    /// <summary>A broker address as one key however it is written (case, trailing slash, tcp:// or mqtt://).</summary>
    public static string Key(Uri broker) => $"{broker.Host.ToLowerInvariant()}:{broker.Port}";

    public static Result Check(IReadOnlyList<PipelineJob> jobs)
    {
        var failures = new List<CheckFailureInfo>();
        void Fail(PipelineJob j, string field, string reason) => failures.Add(new(PipelineDocument.Property, $"{j.Where}.{field}: {reason}"));

        var first = new Dictionary<string, PipelineJob>(StringComparer.Ordinal);
        foreach (var j in jobs)
            if (!first.TryAdd(j.Name, j)) Fail(j, "job_name", $"'{j.Name}' is also the name of {first[j.Name].Where}; job names identify jobs and must be unique");

        var writers = jobs.GroupBy(Sink).ToDictionary(g => g.Key, g => g.ToList());
        var external = new List<PipelineTopic>();
        foreach (var j in jobs)
        {
            var source = Source(j);
            if (writers.ContainsKey(source)) continue;
            var elsewhere = writers.Keys.Where(t => t.Name == source.Name).ToList();
            if (elsewhere.Count > 0)
                Fail(j, "source_broker", $"topic {source} is written by no job, but '{source.Name}' is written on " +
                    $"{string.Join(", ", elsewhere.Select(t => $"{t.Broker} (by {string.Join(", ", writers[t].Select(w => w.Name))})"))}: a mistyped address?");
            else if (!external.Contains(source)) external.Add(source);
        }

        foreach (var cycle in Cycles(jobs))
            Fail(cycle[0], "source_topic", $"the jobs {string.Join(" → ", cycle.Select(c => c.Name).Append(cycle[0].Name))} form a cycle through their topics; a pipeline is a DAG");
        return new Result(failures, external);
    }

    // Jobs are nodes; a job's successors are the jobs reading its sink. Depth-first with colours: O(jobs + edges).
    private static List<List<PipelineJob>> Cycles(IReadOnlyList<PipelineJob> jobs)
    {
        var readers = jobs.GroupBy(Source).ToDictionary(g => g.Key, g => g.ToList());
        var colour = new Dictionary<PipelineJob, int>(ReferenceEqualityComparer.Instance);
        var path = new List<PipelineJob>();
        var cycles = new List<List<PipelineJob>>();
        void Visit(PipelineJob j)
        {
            colour[j] = 1;
            path.Add(j);
            foreach (var next in readers.GetValueOrDefault(Sink(j)) ?? [])
            {
                var c = colour.GetValueOrDefault(next);
                if (c == 1) cycles.Add(path[path.IndexOf(next)..]);
                else if (c == 0) Visit(next);
            }
            path.RemoveAt(path.Count - 1);
            colour[j] = 2;
        }
        foreach (var j in jobs)
            if (colour.GetValueOrDefault(j) == 0) Visit(j);
        return cycles;
    }
}

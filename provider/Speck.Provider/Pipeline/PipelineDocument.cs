using Speck.Host.Resources;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Speck.Provider.Pipeline;

/// <summary>One job of a SpecK pipeline document, as the document gives it (docs/speck-paper.md §Listings 1.1 and 1.2).</summary>
public sealed record PipelineJob(int Index, string Name, Uri Engine, Uri SourceBroker, Uri SinkBroker, string SourceTopic, string SinkTopic,
    string EntryClass, string JobPath)
{
    /// <summary>How errors name the job: its place in the document and its name.</summary>
    public string Where => $"jobs[{Index}] ({Name})";
}

/// <summary>
/// Reads the YAML document a SpecK user sends to SpecK's Composition API: a mapping with one key, <c>jobs</c>, a list
/// of jobs each with exactly the eight fields of the paper's listings. Every problem is reported (not only the first),
/// each naming the input, the job and the field, so a user fixes the document in one go.
/// </summary>
public static class PipelineDocument
{
    public const string Property = "document";

    public static readonly string[] Fields = ["job_name", "spe_address", "source_broker", "sink_broker", "source_topic", "sink_topic", "entry_class", "job_path"];

    public static (IReadOnlyList<PipelineJob> Jobs, IReadOnlyList<CheckFailureInfo> Failures) Parse(string text)
    {
        var failures = new List<CheckFailureInfo>();
        void Fail(string path, string reason) => failures.Add(new CheckFailureInfo(Property, $"{path}: {reason}"));
        YamlNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count != 1) return ([], [new(Property, $"expected one YAML document, found {stream.Documents.Count}")]);
            root = stream.Documents[0].RootNode;
        }
        catch (YamlException e)
        {
            return ([], [new(Property, $"not YAML: {e.Message} (line {e.Start.Line}, column {e.Start.Column})")]);
        }
        if (root is not YamlMappingNode top) return ([], [new(Property, "expected a mapping with a 'jobs' list")]);
        foreach (var key in top.Children.Keys.OfType<YamlScalarNode>().Where(k => k.Value != "jobs"))
            Fail(key.Value ?? "", "unknown field (a pipeline document has only 'jobs')");
        if (!top.Children.TryGetValue(new YamlScalarNode("jobs"), out var jobsNode) || jobsNode is not YamlSequenceNode list)
        {
            Fail("jobs", "missing, or not a list");
            return ([], failures);
        }
        var jobs = new List<PipelineJob>();
        for (var i = 0; i < list.Children.Count; i++)
            if (ParseJob(i, list.Children[i], Fail) is { } job) jobs.Add(job);
        if (list.Children.Count == 0) Fail("jobs", "the list is empty: a pipeline has at least one job");
        return (jobs, failures);
    }

    private static PipelineJob? ParseJob(int i, YamlNode node, Action<string, string> fail)
    {
        if (node is not YamlMappingNode map)
        {
            fail($"jobs[{i}]", "expected a mapping of the job's fields");
            return null;
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in map.Children)
        {
            var key = (k as YamlScalarNode)?.Value ?? "";
            if (!Fields.Contains(key)) fail($"jobs[{i}].{key}", $"unknown field (a job has {string.Join(", ", Fields)})");
            else if (v is not YamlScalarNode { Value: { } s } || s.Length == 0) fail($"jobs[{i}].{key}", "expected a non-empty string");
            else values[key] = s;
        }
        var name = values.GetValueOrDefault("job_name") ?? $"#{i}";
        var where = $"jobs[{i}] ({name})";
        foreach (var missing in Fields.Where(f => !values.ContainsKey(f) && map.Children.Keys.OfType<YamlScalarNode>().All(k => k.Value != f)))
            fail($"{where}.{missing}", "missing");
        Uri? Url(string field, string[] schemes, string form)
        {
            if (!values.TryGetValue(field, out var text)) return null;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && schemes.Contains(uri.Scheme) && uri.Host.Length > 0 && uri.Port > 0
                && text.Contains("://", StringComparison.Ordinal))
                return uri;
            fail($"{where}.{field}", $"'{text}' is not a {form} URL");
            return null;
        }
        var engine = Url("spe_address", ["http", "https"], "http(s)://host:port");
        var source = Url("source_broker", ["tcp", "mqtt", "ssl", "mqtts"], "tcp://host:port");
        var sink = Url("sink_broker", ["tcp", "mqtt", "ssl", "mqtts"], "tcp://host:port");
        if (engine is null || source is null || sink is null || values.Count < Fields.Length) return null;
        return new PipelineJob(i, name, engine, source, sink, values["source_topic"], values["sink_topic"], values["entry_class"], values["job_path"]);
    }
}

using Speck.Provider.Pipeline;

namespace Speck.Tests.Provider.Pipeline;

[Trait("Category", "Unit")]
public sealed class PipelineDocumentTests
{
    private static string Listing(string n) => File.ReadAllText(Path.Combine(RepoPaths.Shared, "data", "speck", $"listing-{n}.yaml"));

    [Fact]
    public void The_papers_listings_read_as_printed()
    {
        var (one, f1) = PipelineDocument.Parse(Listing("1.1"));
        Assert.Empty(f1);
        Assert.Equal(["A", "B", "C", "D"], one.Select(j => j.Name));
        var c = one[2];
        Assert.Equal(("172.16.192.18", 8081, "172.16.177.7", 1883), (c.Engine.Host, c.Engine.Port, c.SinkBroker.Host, c.SinkBroker.Port));
        Assert.Equal(("T-C-filter", "T-D-merger", "package.ExampleJob", "/usr/src/app/jars/test-3.jar"), (c.SourceTopic, c.SinkTopic, c.EntryClass, c.JobPath));

        var (two, f2) = PipelineDocument.Parse(Listing("1.2"));
        Assert.Empty(f2);
        Assert.Equal(["A", "C", "C2", "D"], two.Select(j => j.Name));
        Assert.Equal("172.16.177.20", two[3].Engine.Host); // D as printed: another engine than in 1.1
    }

    [Theory]
    [InlineData("jobs: [ {", "document: not YAML")]
    [InlineData("- a\n- b", "document: expected a mapping with a 'jobs' list")]
    [InlineData("pipelines: []", "document: pipelines: unknown field")]
    [InlineData("jobs: []", "document: jobs: the list is empty")]
    public void A_document_that_is_not_a_pipeline_says_why(string text, string expected) =>
        Assert.StartsWith(expected, Messages(text).First());

    [Fact]
    public void Every_bad_field_is_named_with_its_job()
    {
        var text = Listing("1.1")
            .Replace("spe_address: http://172.16.48.8:8081/", "spe_address: 172.16.48.8:8081")
            .Replace("sink_broker: tcp://172.16.177.7:1883\n  source_topic: T-C-filter", "sink_broker: tcp//172.16.177.7:1883\n  source_topic: T-C-filter")
            .Replace("  entry_class: package.ExampleJob\n  job_path: /usr/src/app/jars/test-4.jar", "  entry_clas: package.ExampleJob\n  job_path: /usr/src/app/jars/test-4.jar");
        var messages = Messages(text);
        Assert.Contains("document: jobs[1] (B).spe_address: '172.16.48.8:8081' is not a http(s)://host:port URL", messages);
        Assert.Contains("document: jobs[2] (C).sink_broker: 'tcp//172.16.177.7:1883' is not a tcp://host:port URL", messages);
        Assert.Contains(messages, m => m.StartsWith("document: jobs[3].entry_clas: unknown field", StringComparison.Ordinal));
        Assert.Contains("document: jobs[3] (D).entry_class: missing", messages);
        Assert.Equal(4, messages.Count);
    }

    [Fact]
    public void The_graph_lists_external_inputs_and_refuses_duplicates_cycles_and_mistyped_brokers()
    {
        var (jobs, _) = PipelineDocument.Parse(Listing("1.1"));
        var ok = PipelineGraph.Check(jobs);
        Assert.Empty(ok.Failures);
        Assert.Equal(["'T-1' on 172.16.39.7:1883", "'T-2' on 172.16.48.8:1883"], ok.ExternalInputs.Select(t => t.ToString()));

        var duplicate = Check(Listing("1.1").Replace("job_name: B", "job_name: A"));
        Assert.Equal(["document: jobs[1] (A).job_name: 'A' is also the name of jobs[0] (A); job names identify jobs and must be unique"], duplicate);

        // D writes back into what A reads: A → C → D → A.
        var cycle = Check(Listing("1.1").Replace("sink_topic: T-D-total", "sink_topic: T-1").Replace("source_broker: tcp://172.16.177.7:1883\n  sink_broker: tcp://172.16.177.7:1883",
            "source_broker: tcp://172.16.177.7:1883\n  sink_broker: tcp://172.16.39.7:1883"));
        Assert.Equal(["document: jobs[0] (A).source_topic: the jobs A → C → D → A form a cycle through their topics; a pipeline is a DAG"], cycle);

        // C reads T-C-filter from a broker nobody writes it on (a typo in the address).
        var typo = Check(Listing("1.1").Replace("source_broker: tcp://172.16.192.18:1883", "source_broker: tcp://172.16.192.81:1883"));
        Assert.Equal(["document: jobs[2] (C).source_broker: topic 'T-C-filter' on 172.16.192.81:1883 is written by no job, but 'T-C-filter' is written on 172.16.192.18:1883 (by A, B): a mistyped address?"], typo);
    }

    private static List<string> Messages(string text) => [.. PipelineDocument.Parse(text).Failures.Select(f => $"{f.Property}: {f.Reason}")];

    private static List<string> Check(string text)
    {
        var (jobs, failures) = PipelineDocument.Parse(text);
        Assert.Empty(failures);
        return [.. PipelineGraph.Check(jobs).Failures.Select(f => $"{f.Property}: {f.Reason}")];
    }
}

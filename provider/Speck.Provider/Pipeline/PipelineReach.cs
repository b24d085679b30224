using Speck.Host.Resources;
using Speck.Provider.Model;

namespace Speck.Provider.Pipeline;

/// <summary>
/// Whether each job's engine can reach its two brokers (issue 14). SpecK hands a job the broker addresses of the
/// document, and the job connects from its engine's host; the document alone does not say which hosts see each
/// other, so two things decide:
/// <list type="bullet">
/// <item>an address on loopback (<c>127.0.0.0/8</c>, <c>::1</c>, <c>localhost</c>) names the host of whoever connects:
/// an engine on another host would reach its own machine, not the broker the pipeline puts on that site; the same holds
/// for the addresses the provider reaches them by (<c>addressMap</c>), where a remote engine is given a loopback broker;</item>
/// <item>the <c>networks</c> the user gives an engine and a broker: when both give them, they must share one.</item>
/// </list>
/// </summary>
public static class PipelineReach
{
    public static IReadOnlyList<CheckFailureInfo> Check(IReadOnlyList<PipelineJob> jobs, IReadOnlyDictionary<string, PipelineEngine> engines,
        IReadOnlyDictionary<string, PipelineBroker> brokers, IReadOnlyDictionary<string, string> addressMap)
    {
        var failures = new List<CheckFailureInfo>();
        foreach (var j in jobs)
            foreach (var (field, broker) in new[] { ("source_broker", j.SourceBroker), ("sink_broker", j.SinkBroker) })
                if (Unreachable(j.Engine, broker, engines.GetValueOrDefault(Key(j.Engine)), brokers.GetValueOrDefault(Key(broker)), addressMap) is { } reason)
                    failures.Add(new(PipelineDocument.Property, $"{j.Where}.{field}: {reason}"));
        return failures;
    }

    private static string? Unreachable(Uri engine, Uri broker, PipelineEngine? e, PipelineBroker? b, IReadOnlyDictionary<string, string> map)
    {
        var (engineHost, brokerHost) = (engine.Host.ToLowerInvariant(), broker.Host.ToLowerInvariant());
        if (HostAddress.IsLoopback(brokerHost) && brokerHost != engineHost)
            return $"the broker {broker} is on loopback, which the engine at {engine} (another host) reaches as its own machine, not this broker";
        if (map.GetValueOrDefault(Key(broker)) is { } mappedBroker && HostAddress.IsLoopback(HostAddress.HostOf(mappedBroker))
            && HostAddress.HostOf(map.GetValueOrDefault(Key(engine)) ?? engine.ToString()) is { } me && !HostAddress.IsLoopback(me))
            return $"addressMap gives the broker {broker} as {mappedBroker}, on loopback, but the engine at {engine} is reached at {me}, " +
                "another machine: the job would connect to its engine's own loopback";
        if (e?.Networks is { Count: > 0 } en && b?.Networks is { Count: > 0 } bn && !en.Intersect(bn, StringComparer.Ordinal).Any())
            return $"the engine at {engine} is on the networks {string.Join(", ", en)} (engines.{Key(engine)}.networks) and the broker " +
                $"{broker} on {string.Join(", ", bn)} (brokers.{Key(broker)}.networks): they share none, so the job cannot reach it";
        return null;
    }

    private static string Key(Uri u) => PipelineGraph.Key(u);
}

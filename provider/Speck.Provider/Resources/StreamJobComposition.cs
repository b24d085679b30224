using Speck.Provider.Model;

namespace Speck.Provider.Resources;

/// <summary>
/// Checks a job against the others this provider process has checked, before anything is deployed: jobs joined by
/// topics form the pipeline's graph, which should have no cycles, and a job's engine must be able to reach the brokers
/// of its topics. Each job is checked when the engine checks it, so a problem is reported at the job that completes it.
/// </summary>
public sealed class StreamJobComposition
{
    private sealed record Node(string Name, IReadOnlyList<string> Reads, string Writes);

    // The jobs checked so far, and which of them read each topic: a check walks only the jobs its own output reaches,
    // never all of them, so checking n jobs costs about n steps, not n² (a wide program's preview checks every job).
    private readonly Dictionary<string, Node> _jobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<string>> _readers = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>How many job records the last check looked at while searching for a cycle (for the tests: the work grows with what it reaches).</summary>
    public int LastCheckExamined { get; private set; }

    public static string TopicKey(TopicEndpoint t) => $"{t.Broker.Url.TrimEnd('/')}#{t.Name}";

    /// <summary>Records the job (replacing an earlier check of the same URN) and returns warnings about it.</summary>
    public IReadOnlyList<string> Check(string urn, string name, StreamJobArgs args)
    {
        var warnings = new List<string>();
        if (args.Sources is not { Count: > 0 } sources || args.Sink is not { } sink || args.Site is not { } site) return warnings;
        lock (_lock)
        {
            Record(urn, new Node(name, sources.Select(TopicKey).ToList(), TopicKey(sink)));
            if (FindCycle(urn) is { } cycle) warnings.Add($"the job graph has a cycle: {cycle}");
        }
        foreach (var topic in sources.Append(sink))
            if (Unreachable(site, topic) is { } why) warnings.Add(why);
        return warnings;
    }

    private void Record(string urn, Node node)
    {
        if (_jobs.TryGetValue(urn, out var old))
            foreach (var topic in old.Reads)
                if (_readers.TryGetValue(topic, out var r) && r.Remove(urn) && r.Count == 0) _readers.Remove(topic);
        _jobs[urn] = node;
        foreach (var topic in node.Reads)
        {
            if (!_readers.TryGetValue(topic, out var r)) _readers[topic] = r = new SortedSet<string>(StringComparer.Ordinal);
            r.Add(urn);
        }
    }

    /// <summary>A path from the job back to itself through the topics jobs write and read, rendered for the user.</summary>
    private string? FindCycle(string start)
    {
        var path = new List<(string Urn, string Topic)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var examined = 0;
        bool Walk(string urn)
        {
            var writes = _jobs[urn].Writes;
            if (!_readers.TryGetValue(writes, out var readers)) return false;
            foreach (var next in readers)
            {
                examined++;
                path.Add((urn, writes));
                if (next == start) return true;
                if (seen.Add(next) && Walk(next)) return true;
                path.RemoveAt(path.Count - 1);
            }
            return false;
        }
        var found = Walk(start);
        LastCheckExamined = examined;
        if (!found) return null;
        return string.Join(" → ", path.Select(p => $"{_jobs[p.Urn].Name} → topic '{p.Topic[(p.Topic.IndexOf('#') + 1)..]}'")) + $" → {_jobs[start].Name}";
    }

    /// <summary>A broker on loopback is reachable only from an engine on the same machine (whose URL is loopback too).</summary>
    private static string? Unreachable(SiteConnection site, TopicEndpoint topic)
    {
        if (!HostAddress.IsLoopback(BrokerHost(topic.Broker.Url)) || HostAddress.IsLoopback(HostAddress.HostOf(site.Spe.Url))) return null;
        return $"topic '{topic.Name}' is on a loopback broker ({topic.Broker.Url}) that the engine of site '{site.SiteName}' ({site.Spe.Url}) cannot reach";
    }

    /// <summary>A broker URL's host; a Kafka bootstrap list (no scheme) by its first server.</summary>
    private static string? BrokerHost(string url) => HostAddress.HostOf(url.Contains("://", StringComparison.Ordinal) ? url : url.Split(',')[0]);
}

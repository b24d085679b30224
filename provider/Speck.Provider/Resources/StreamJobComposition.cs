using System.Collections.Concurrent;
using System.Net;
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

    private readonly ConcurrentDictionary<string, Node> _jobs = new(StringComparer.Ordinal);

    public static string TopicKey(TopicEndpoint t) => $"{t.Broker.Url.TrimEnd('/')}#{t.Name}";

    /// <summary>Records the job (replacing an earlier check of the same URN) and returns warnings about it.</summary>
    public IReadOnlyList<string> Check(string urn, string name, StreamJobArgs args)
    {
        var warnings = new List<string>();
        if (args.Sources is not { Count: > 0 } sources || args.Sink is not { } sink || args.Site is not { } site) return warnings;
        _jobs[urn] = new Node(name, sources.Select(TopicKey).ToList(), TopicKey(sink));
        if (FindCycle(urn) is { } cycle) warnings.Add($"the job graph has a cycle: {cycle}");
        foreach (var topic in sources.Append(sink))
            if (Unreachable(site, topic) is { } why) warnings.Add(why);
        return warnings;
    }

    /// <summary>A path from the job back to itself through the topics jobs write and read, rendered for the user.</summary>
    private string? FindCycle(string start)
    {
        var jobs = _jobs.ToArray().ToDictionary(kv => kv.Key, kv => kv.Value);
        var path = new List<(string Urn, string Topic)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        bool Walk(string urn)
        {
            var writes = jobs[urn].Writes;
            foreach (var (next, node) in jobs.Where(j => j.Value.Reads.Contains(writes)).OrderBy(j => j.Key, StringComparer.Ordinal))
            {
                path.Add((urn, writes));
                if (next == start) return true;
                if (seen.Add(next) && Walk(next)) return true;
                path.RemoveAt(path.Count - 1);
            }
            return false;
        }
        if (!Walk(start)) return null;
        return string.Join(" → ", path.Select(p => $"{jobs[p.Urn].Name} → topic '{p.Topic[(p.Topic.IndexOf('#') + 1)..]}'")) + $" → {jobs[start].Name}";
    }

    /// <summary>A broker on loopback is reachable only from an engine on the same machine (whose URL is loopback too).</summary>
    private static string? Unreachable(SiteConnection site, TopicEndpoint topic)
    {
        if (!IsLoopback(BrokerHost(topic.Broker.Url)) || IsLoopback(Host(site.Spe.Url))) return null;
        return $"topic '{topic.Name}' is on a loopback broker ({topic.Broker.Url}) that the engine of site '{site.SiteName}' ({site.Spe.Url}) cannot reach";
    }

    private static string? BrokerHost(string url) => url.Contains("://", StringComparison.Ordinal) ? Host(url) : Host("kafka://" + url.Split(',')[0]);

    private static string? Host(string url) => Uri.TryCreate(url, UriKind.Absolute, out var u) ? u.Host : null;

    private static bool IsLoopback(string? host) =>
        host is not null && (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip)));
}

using System.Text.RegularExpressions;
using Speck.Provider.Model;

namespace Speck.Provider.Resources;

/// <summary>
/// Tells a job where its data is, through its program arguments. SpecK's convention (docs/speck-paper.md
/// §Argument convention) is <c>[source broker, source topic, sink broker, sink topic]</c>; further sources follow as
/// broker, topic pairs, then the user's <c>arguments</c>. An <c>argumentTemplate</c> replaces that layout with
/// placeholders. Where the job has its own login on a broker, that broker's URL carries it as user info, so the job
/// needs no other secret channel.
/// </summary>
public static partial class StreamJobArguments
{
    [GeneratedRegex(@"\{([^{}]*)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^(?:(source|sink)|sources\[(\d+)\])\.(broker|topic)$|^site$")]
    private static partial Regex KnownPlaceholder();

    public static List<string> Build(StreamJobArgs args, IReadOnlyList<BrokerLogin>? logins = null)
    {
        var result = new List<string>();
        string Broker(TopicEndpoint t) => BrokerArgument(t.Broker, logins);
        if (args.ArgumentTemplate is { } template)
            result.AddRange(template.Select(t => Placeholder().Replace(t, m => Resolve(args, m.Groups[1].Value, logins) ?? m.Value)));
        else
        {
            var first = args.Sources[0];
            result.AddRange([Broker(first), first.Name, Broker(args.Sink), args.Sink.Name]);
            foreach (var extra in args.Sources.Skip(1)) result.AddRange([Broker(extra), extra.Name]);
        }
        if (args.Arguments is { } user) result.AddRange(user);
        return result;
    }

    /// <summary>A reason per template element that names a placeholder it does not know or a source it does not have.</summary>
    public static IEnumerable<(int Index, string Problem)> Problems(IReadOnlyList<string> template, int sourceCount)
    {
        for (var i = 0; i < template.Count; i++)
            foreach (Match m in Placeholder().Matches(template[i] ?? ""))
            {
                var name = m.Groups[1].Value;
                var known = KnownPlaceholder().Match(name);
                if (!known.Success)
                    yield return (i, $"unknown placeholder '{{{name}}}': use {{source.broker}}, {{source.topic}}, {{sources[i].broker}}, {{sources[i].topic}}, {{sink.broker}}, {{sink.topic}} or {{site}}");
                else if (known.Groups[2].Success && int.Parse(known.Groups[2].Value) >= sourceCount)
                    yield return (i, $"'{{{name}}}' names a source the job does not have ({sourceCount} given)");
            }
    }

    /// <summary>
    /// How a job is told where a broker is: Kafka clients take the bootstrap list (<c>host:port,host:port</c>); MQTT
    /// clients the broker URL, with the job's own login in it where it has one.
    /// </summary>
    public static string BrokerArgument(BrokerEndpoint broker, IReadOnlyList<BrokerLogin>? logins) =>
        broker.Kind == BrokerKind.Kafka ? Brokers.Kafka.KafkaUrl.BootstrapServers(broker.Url) : WithLogin(broker.Url, logins);

    /// <summary><c>mqtt://host:port</c> with the job's login on that broker as URL user info, when it has one.</summary>
    public static string WithLogin(string brokerUrl, IReadOnlyList<BrokerLogin>? logins)
    {
        if (logins?.FirstOrDefault(l => l.BrokerUrl == brokerUrl) is not { } login) return brokerUrl;
        var scheme = brokerUrl.IndexOf("://", StringComparison.Ordinal);
        var userInfo = $"{Uri.EscapeDataString(login.Username)}:{Uri.EscapeDataString(login.Password)}@";
        return scheme < 0 ? userInfo + brokerUrl : brokerUrl[..(scheme + 3)] + userInfo + brokerUrl[(scheme + 3)..];
    }

    private static string? Resolve(StreamJobArgs args, string name, IReadOnlyList<BrokerLogin>? logins)
    {
        var m = KnownPlaceholder().Match(name);
        if (!m.Success) return null;
        if (name == "site") return args.Site.SiteName;
        TopicEndpoint? topic = m.Groups[1].Value switch
        {
            "source" => args.Sources.FirstOrDefault(),
            "sink" => args.Sink,
            _ => int.Parse(m.Groups[2].Value) is var i && i < args.Sources.Count ? args.Sources[i] : null,
        };
        if (topic is null) return null;
        return m.Groups[3].Value == "broker" ? BrokerArgument(topic.Broker, logins) : topic.Name;
    }
}

using System.Text.RegularExpressions;
using Speck.Provider.Model;

namespace Speck.Provider.Resources;

/// <summary>
/// Tells a job where its data is, through its program arguments. The seed's convention is
/// <c>[source broker, source topic, sink broker, sink topic]</c>; further sources follow as broker, topic pairs, then
/// the user's <c>arguments</c>. An <c>argumentTemplate</c> replaces that layout with placeholders.
/// </summary>
public static partial class StreamJobArguments
{
    [GeneratedRegex(@"\{([^{}]*)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^(?:(source|sink)|sources\[(\d+)\])\.(broker|topic)$|^site$")]
    private static partial Regex KnownPlaceholder();

    public static List<string> Build(StreamJobArgs args)
    {
        var result = new List<string>();
        if (args.ArgumentTemplate is { } template)
            result.AddRange(template.Select(t => Placeholder().Replace(t, m => Resolve(args, m.Groups[1].Value) ?? m.Value)));
        else
        {
            var first = args.Sources[0];
            result.AddRange([first.Broker.Url, first.Name, args.Sink.Broker.Url, args.Sink.Name]);
            foreach (var extra in args.Sources.Skip(1)) result.AddRange([extra.Broker.Url, extra.Name]);
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

    private static string? Resolve(StreamJobArgs args, string name)
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
        return m.Groups[3].Value == "broker" ? topic.Broker.Url : topic.Name;
    }
}

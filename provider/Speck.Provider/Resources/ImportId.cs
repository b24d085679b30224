using Speck.Host.Resources;
using Speck.Provider.Model;

namespace Speck.Provider.Resources;

/// <summary>
/// An import ID that says where its site is, so an import, a <c>get</c> or a site of another stack needs nothing the
/// provider process learned before (the engine sends Read only the ID and the provider configuration: step.go:2037-2044
/// (pulumi v3.259.0), see docs/import.md §Import Read):
/// <c>&lt;site name&gt;[/&lt;topic or job&gt;]?tier=edge&amp;spe=flink:http://h:8081&amp;broker=mqtt://h:1883[&amp;…]</c>.
/// The broker is MQTT for <c>mqtt://</c> and <c>mqtts://</c> URLs, Kafka otherwise. The object and values may be
/// percent-encoded (a topic with '?' or '&amp;');
/// repeated keys (<c>source</c>) keep their order. Credentials never go in an ID: they come from `speck:credentials`.
/// </summary>
public sealed record ImportId(SiteConnection Site, string? Object, IReadOnlyDictionary<string, IReadOnlyList<string>> Extras)
{
    private static readonly string[] SiteKeys = ["tier", "spe", "broker"];

    public static string Form(string what) =>
        $"'<site name>{(what.Length > 0 ? "/" + what : "")}?tier=<edge|fog|cloud>&spe=<flink|nodered>:<engine URL>&broker=<broker URL>'";

    /// <summary>Parses <paramref name="id"/>; <paramref name="what"/> names the object after the site ("" for a site itself).</summary>
    /// <summary>The part of an import ID before its query.</summary>
    public static string Resource(string importId) => importId.IndexOf('?') is var q and >= 0 ? importId[..q] : importId;

    public static ImportId Parse(string id, string what, IReadOnlyCollection<string> extraKeys)
    {
        var question = id.LastIndexOf('?');
        if (question < 0)
            throw ProviderException.Invalid($"import ID '{id}' does not say where its site is: use {Form(what)} (credentials come from `speck:credentials`)");
        var path = id[..question];
        var slash = path.IndexOf('/');
        var siteName = slash < 0 ? path : path[..slash];
        var obj = slash < 0 ? null : Uri.UnescapeDataString(path[(slash + 1)..]);
        if (siteName.Length == 0 || (what.Length > 0) != (obj is { Length: > 0 }))
            throw ProviderException.Invalid($"import ID '{id}' should be {Form(what)}");

        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pair in id[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = eq < 0 ? pair : pair[..eq];
            if (!SiteKeys.Contains(key) && !extraKeys.Contains(key))
                throw ProviderException.Invalid($"import ID '{id}': unknown key '{key}' (known: {string.Join(", ", SiteKeys.Concat(extraKeys))})");
            var value = Uri.UnescapeDataString(eq < 0 ? "" : pair[(eq + 1)..]);
            if (value.Length == 0) throw ProviderException.Invalid($"import ID '{id}': '{key}' has no value");
            if (!values.TryGetValue(key, out var list)) values[key] = list = [];
            list.Add(value);
        }
        string One(string key) => values.TryGetValue(key, out var v) && v.Count == 1 ? v[0]
            : throw ProviderException.Invalid($"import ID '{id}' needs exactly one '{key}': {Form(what)}");

        var tierText = One("tier");
        Tier tier = tierText switch
        {
            "edge" => Tier.Edge,
            "fog" => Tier.Fog,
            "cloud" => Tier.Cloud,
            _ => throw ProviderException.Invalid($"import ID '{id}': tier '{tierText}' is not edge, fog or cloud"),
        };
        var speText = One("spe");
        var colon = speText.IndexOf(':');
        var speKind = SpeKinds.Named(colon < 0 ? "" : speText[..colon])
            ?? throw ProviderException.Invalid($"import ID '{id}': spe '{speText}' should be flink:<URL> or nodered:<URL>");
        var brokerUrl = One("broker");
        var brokerKind = brokerUrl.StartsWith("mqtt://", StringComparison.OrdinalIgnoreCase) || brokerUrl.StartsWith("mqtts://", StringComparison.OrdinalIgnoreCase)
            ? BrokerKind.Mqtt : BrokerKind.Kafka;
        var site = new SiteConnection
        {
            SiteName = siteName,
            Tier = tier,
            Spe = new SpeEndpoint { Kind = speKind, Url = speText[(colon + 1)..] },
            Broker = new BrokerEndpoint { Kind = brokerKind, Url = brokerUrl },
        };
        var extras = values.Where(kv => !SiteKeys.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value, StringComparer.Ordinal);
        return new ImportId(site, obj, extras);
    }

    public IReadOnlyList<string> All(string key) => Extras.TryGetValue(key, out var v) ? v : [];

    public string? Single(string key, string id) => All(key) switch
    {
        [] => null,
        [var one] => one,
        _ => throw ProviderException.Invalid($"import ID '{id}': '{key}' is given more than once"),
    };

    /// <summary>A topic on the site's own broker.</summary>
    public TopicEndpoint Topic(string name) => new() { SiteName = Site.SiteName, Broker = Site.Broker, Name = name };
}

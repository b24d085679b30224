using Speck.Host.Resources;
using Speck.Host.Schema;
using Speck.Host.Values;

namespace Speck.Host;

public sealed record PackageInfo(
    string Name, string Version, string DisplayName, string Description,
    IReadOnlyList<string> Keywords, string Homepage, string Repository, string License, string Publisher);

/// <summary>What the protocol host serves: a package's metadata, its configuration and its resources.</summary>
public abstract class ProviderDefinition
{
    public abstract PackageInfo Package { get; }
    public abstract TypeContracts Contracts { get; }
    public abstract ObjectShape ConfigShape { get; }
    public abstract IReadOnlyList<IResourceHandler> Resources { get; }

    /// <summary>
    /// Secrets the provider holds from its configuration and uses in every call (credentials it fills in for
    /// endpoints): not in any one request, so each call's error and log texts are scrubbed of them too.
    /// </summary>
    public virtual IEnumerable<string> ConfigurationSecrets => [];

    /// <summary>Check of the provider's own configuration (secrets arrive unwrapped here, as the engine sends them).</summary>
    public virtual CheckOutcome CheckConfig(PropertyMap news)
    {
        // The engine owns these keys and may send them along; they are not ours to judge.
        news = Coerce(news);
        var ours = new PropertyMap(news.Where(kv => kv.Key is not ("version" or "pluginDownloadURL")));
        var failures = ShapeValidator.Validate(ConfigShape, ours);
        var wrapped = new PropertyMap(news.Select(kv =>
            ConfigShape.Find(kv.Key)?.Secret == true ? KeyValuePair.Create(kv.Key, PropertyValue.MakeSecret(kv.Value)) : kv));
        return new CheckOutcome(wrapped, failures);
    }

    /// <summary>Stack config arrives as strings; numbers and booleans are read as the schema types them.</summary>
    private PropertyMap Coerce(PropertyMap news) => new(news.Select(kv =>
    {
        var kind = ConfigShape.Find(kv.Key)?.Type.Kind;
        if (kv.Value.Kind != PropertyKind.String) return kv;
        var s = kv.Value.AsString;
        PropertyValue? v = kind switch
        {
            ShapeKind.Integer or ShapeKind.Number when double.TryParse(s, System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture, out var d) => PropertyValue.Of(d),
            ShapeKind.Boolean when bool.TryParse(s, out var b) => PropertyValue.Of(b),
            _ => null,
        };
        return v is null ? kv : KeyValuePair.Create(kv.Key, v);
    }));

    public abstract Task ConfigureAsync(PropertyMap config, CancellationToken ct);

    private Dictionary<string, IResourceHandler>? _byToken;
    public IResourceHandler? Find(string token) =>
        (_byToken ??= Resources.ToDictionary(r => r.Token, StringComparer.Ordinal)).GetValueOrDefault(token);
}

using Speck.Host.Resources;
using Speck.Host.Schema;
using Speck.Host.Values;

namespace Speck.Host;

public sealed record PackageInfo(
    string Name, string Version, string DisplayName, string Description,
    IReadOnlyList<string> Keywords, string Homepage, string Repository, string License, string Publisher)
{
    /// <summary>The schema's <c>language</c> block: per SDK language, what its generator takes (namespaces, package names).</summary>
    public IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonObject> Languages { get; init; } =
        new Dictionary<string, System.Text.Json.Nodes.JsonObject>();
}

/// <summary>What the protocol host serves: a package's metadata, its configuration and its resources.</summary>
public abstract class ProviderDefinition
{
    public abstract PackageInfo Package { get; }
    public abstract TypeContracts Contracts { get; }
    public abstract ObjectShape ConfigShape { get; }
    public abstract IReadOnlyList<IResourceHandler> Resources { get; }

    /// <summary>The package's multi-language components, served by Construct (none unless a provider has some).</summary>
    public virtual IReadOnlyList<IComponentHandler> Components => [];

    /// <summary>
    /// Secrets the provider holds from its configuration and uses in every call (credentials it fills in for
    /// endpoints): not in any one request, so each call's error and log texts are scrubbed of them too.
    /// </summary>
    public virtual IEnumerable<string> ConfigurationSecrets => [];

    /// <summary>Check of the provider's own configuration (secrets arrive unwrapped here, as the engine sends them).</summary>
    public virtual CheckOutcome CheckConfig(PropertyMap news)
    {
        news = Coerce(news);
        var failures = ShapeValidator.Validate(ConfigShape, Ours(news));
        var wrapped = new PropertyMap(news.Select(kv =>
            ConfigShape.Find(kv.Key)?.Secret == true ? KeyValuePair.Create(kv.Key, PropertyValue.MakeSecret(kv.Value)) : kv));
        return new CheckOutcome(wrapped, failures);
    }

    /// <summary>Stack config arrives as strings; numbers and booleans are read as the schema types them.</summary>
    private PropertyMap Coerce(PropertyMap news) => new(news.Select(kv =>
    {
        var kind = ConfigShape.Find(kv.Key)?.Type.Kind;
        if (kv.Value.Unwrapped.Kind != PropertyKind.String) return kv;
        var s = kv.Value.Unwrapped.AsString;
        PropertyValue? v = kind switch
        {
            ShapeKind.Integer or ShapeKind.Number when double.TryParse(s, System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture, out var d) => PropertyValue.Of(d),
            ShapeKind.Boolean when bool.TryParse(s, out var b) => PropertyValue.Of(b),
            _ => null,
        };
        return v is null ? kv : KeyValuePair.Create(kv.Key, kv.Value.IsSecret ? PropertyValue.MakeSecret(v) : v);
    }));

    // The engine owns these keys and may send them along; they are not ours to judge.
    private static PropertyMap Ours(PropertyMap config) =>
        new(config.Where(kv => kv.Key is not ("version" or "pluginDownloadURL")));

    /// <summary>
    /// Configure as the engine calls it: config read as CheckConfig reads it, and refused (InvalidArgument, naming
    /// the key) where CheckConfig would fail it, so the resources never run with a value out of range. Keys the
    /// schema does not know are left out, not refused: the engine may pass along config CheckConfig never saw.
    /// </summary>
    public Task ConfigureCheckedAsync(PropertyMap config, CancellationToken ct)
    {
        var known = new PropertyMap(Coerce(config).Where(kv => ConfigShape.Find(kv.Key) is not null));
        var failures = ShapeValidator.Validate(ConfigShape, known);
        if (failures.Count > 0)
            throw ProviderException.Invalid("invalid provider configuration: " +
                string.Join("; ", failures.Take(5).Select(f => $"{Excerpt.Of(f.Property)}: {f.Reason}")));
        return ConfigureAsync(known, ct);
    }

    public abstract Task ConfigureAsync(PropertyMap config, CancellationToken ct);

    public IComponentHandler? FindComponent(string token) => Components.FirstOrDefault(c => c.Token == token);

    private Dictionary<string, IResourceHandler>? _byToken;
    public IResourceHandler? Find(string token) =>
        (_byToken ??= Resources.ToDictionary(r => r.Token, StringComparer.Ordinal)).GetValueOrDefault(token);
}

using System.Reflection;
using System.Text.Json.Nodes;
using Speck.Host;
using Speck.Host.Resources;
using Speck.Host.Schema;
using Speck.Host.Values;
using Speck.Provider.Brokers;
using Speck.Provider.Pipeline;
using Speck.Provider.Resources;
using Speck.Provider.Spe;

namespace Speck.Provider;

/// <summary>The speck package: its metadata, configuration and resources, wired to the engine and broker binders.</summary>
public sealed class SpeckProvider : ProviderDefinition
{
    private readonly ConfigSource _config;

    public SpeckProvider(ConfigSource config, IEnumerable<ISpeBinder> spes, IEnumerable<IBrokerBinder> brokers)
    {
        _config = config;
        var binders = new Binders(config, spes, brokers);
        Contracts = new TypeContracts(SpeckJsonContext.Default, "speck");
        ConfigShape = Contracts.Shapes.Object(typeof(ProviderConfig), "pulumi:providers:speck");
        Resources = [new SpeSite(binders, Contracts), new Topic(binders, Contracts), new StreamJob(binders, Contracts)];
        Components = [new PipelineComponent(Contracts)];
    }

    public static string Version { get; } =
        typeof(SpeckProvider).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public override PackageInfo Package { get; } = new(
        "speck", Version, "SpecK stream jobs",
        "Deploy and adapt stream processing pipelines over fog sites: Flink and Node-RED engines, MQTT and Kafka brokers.",
        ["stream-processing", "flink", "node-red", "mqtt", "kafka", "fog", "category/infrastructure"],
        "https://github.com/speck/pulumi-speck", "https://github.com/speck/pulumi-speck", "Apache-2.0", "speck")
    {
        Languages = new Dictionary<string, JsonObject>
        {
            // The .NET codegen names the package and namespace `<rootNamespace>.<PascalName>` (rootNamespace defaults
            // to `Pulumi`): `Pulumi.Speck`. respectSchemaVersion stamps the schema's version into version.txt and
            // package.json (docs/sdk-generation.md).
            ["csharp"] = new() { ["respectSchemaVersion"] = true },
            ["nodejs"] = new() { ["packageName"] = "@speck/pulumi-speck", ["respectSchemaVersion"] = true },
        },
    };

    public override TypeContracts Contracts { get; }
    public override ObjectShape ConfigShape { get; }
    public override IReadOnlyList<IResourceHandler> Resources { get; }
    public override IReadOnlyList<IComponentHandler> Components { get; }

    public override IEnumerable<string> ConfigurationSecrets => _config.Credentials.Secrets;

    public override Task ConfigureAsync(PropertyMap config, CancellationToken ct)
    {
        var known = new PropertyMap(config.Where(kv => ConfigShape.Find(kv.Key) is not null));
        _config.Set(TypedBridge.Decode(known, Contracts.Strict<ProviderConfig>()));
        return Task.CompletedTask;
    }
}

using System.Text.Json.Serialization;
using Speck.Provider.Pipeline;
using Speck.Provider.Resources;

namespace Speck.Provider;

/// <summary>Source-generated JSON contracts of the resource types: no reflection at run time, NativeAOT-safe.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProviderConfig))]
[JsonSerializable(typeof(SpeSiteArgs))]
[JsonSerializable(typeof(SpeSiteState))]
[JsonSerializable(typeof(TopicArgs))]
[JsonSerializable(typeof(TopicState))]
[JsonSerializable(typeof(StreamJobArgs))]
[JsonSerializable(typeof(StreamJobState))]
[JsonSerializable(typeof(PipelineArgs))]
[JsonSerializable(typeof(PipelineState))]
internal sealed partial class SpeckJsonContext : JsonSerializerContext;

using System.Text.Json.Serialization;
using Speck.Host.Resources;
using Speck.Host.Schema;

namespace Speck.Tests.Host;

[JsonConverter(typeof(JsonStringEnumConverter<Color>))]
public enum Color { [JsonStringEnumMemberName("red")] Red, [JsonStringEnumMemberName("blue")] Blue }

[SchemaToken("test:index:Endpoint")]
public sealed record Endpoint
{
    [ReplaceOnChanges] public required string Url { get; init; }
    [Secret] public string? Password { get; init; }
    public string? User { get; init; }
}

public record ThingArgs
{
    public required string Name { get; init; }
    public int? Size { get; init; }
    public Color? Color { get; init; }
    public Dictionary<string, string>? Labels { get; init; }
    public required Endpoint Endpoint { get; init; }
    public List<string>? Tags { get; init; }
}

public sealed record ThingState : ThingArgs
{
    public required string Computed { get; init; }
}

/// <summary>A record passed between resources as one JSON string.</summary>
[WiredAsString]
public sealed record Link
{
    public required string Name { get; init; }
    public required Endpoint Endpoint { get; init; }
}

public sealed record LinkArgs
{
    public required Link Target { get; init; }
    public List<Link>? Others { get; init; }
}

public sealed record TestConfig
{
    [SchemaRange(1, 3600)] public int? TimeoutSeconds { get; init; }
    public string? Prefix { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ThingArgs))]
[JsonSerializable(typeof(ThingState))]
[JsonSerializable(typeof(TestConfig))]
[JsonSerializable(typeof(LinkArgs))]
public sealed partial class TestJsonContext : JsonSerializerContext;

public static class TestContracts
{
    public static TypeContracts Create() => new(TestJsonContext.Default, "test");
}

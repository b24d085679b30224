using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Speck.Host.Schema;

namespace Speck.Host.Resources;

/// <summary>
/// The JSON contracts of a provider's C# types (from its source-generated context) in two strengths:
/// strict for real operations, and lenient for Check and Diff, where values may still be unknown.
/// </summary>
public sealed class TypeContracts
{
    private readonly JsonSerializerOptions _strict;
    private readonly JsonSerializerOptions _lenient;

    public TypeContracts(System.Text.Json.Serialization.JsonSerializerContext context, string package)
    {
        // Copies of the context's options keep its naming policy (camelCase) and null handling.
        _strict = new JsonSerializerOptions(context.Options) { TypeInfoResolver = context };
        _lenient = new JsonSerializerOptions(context.Options)
        {
            TypeInfoResolver = ((IJsonTypeInfoResolver)context).WithAddedModifier(info =>
            {
                foreach (var p in info.Properties) p.IsRequired = false;
            }),
        };
        Shapes = new ShapeBuilder(_strict, package);
    }

    public ShapeBuilder Shapes { get; }
    public JsonSerializerOptions Options => _strict;

    public JsonTypeInfo<T> Strict<T>() => (JsonTypeInfo<T>)_strict.GetTypeInfo(typeof(T));
    public JsonTypeInfo<T> Lenient<T>() => (JsonTypeInfo<T>)_lenient.GetTypeInfo(typeof(T));
}

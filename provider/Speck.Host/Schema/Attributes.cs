namespace Speck.Host.Schema;

/// <summary>The property is sensitive: it is wrapped as a Pulumi secret in everything returned and marked so in the schema.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SecretAttribute : Attribute;

/// <summary>A change to this property replaces the resource (a plan modifier, in Terraform's words).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ReplaceOnChangesAttribute : Attribute;

/// <summary>The schema token of a nested object type, e.g. <c>speck:index:SpeEndpoint</c>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class SchemaTokenAttribute(string token) : Attribute
{
    public string Token { get; } = token;
}

/// <summary>A documented default, shown in the schema; the resource's Check applies it.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaDefaultAttribute(object value) : Attribute
{
    public object Value { get; } = value;
}

/// <summary>
/// The range a number property must fall in, checked by Check (and by CheckConfig and Configure for provider
/// configuration) and stated in the schema's description.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaRangeAttribute(double minimum, double maximum) : Attribute
{
    public double Minimum { get; } = minimum;
    public double Maximum { get; } = maximum;
}

/// <summary>
/// The record travels between resources as one JSON string, not as an object: a typed SDK can then pass one
/// resource's output straight into another's input (<c>Site = edge1.Connection</c> in C#; an output object of a
/// generated SDK is no input object), and a secret inside makes only that one string secret, as every Pulumi SDK
/// lifts a nested secret to the whole value anyway. Inputs still accept the object (state written before).
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class WiredAsStringAttribute : Attribute;

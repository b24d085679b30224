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

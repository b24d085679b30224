namespace Speck.SdkGen.Schema;

/// <summary>
/// A schema construct this generator does not emit. Thrown instead of writing code that would be half-right; the
/// message names the construct by its JSON path.
/// </summary>
public sealed class UnsupportedSchemaException(string path, string reason) : Exception($"{path}: {reason}")
{
    public string Path { get; } = path;
}

/// <summary>A property's type, bound from the schema's type spec as the Pulumi schema binder does.</summary>
public abstract record TypeRef;

/// <summary>`string`, `integer`, `number` or `boolean`.</summary>
public sealed record PrimitiveType(string Name) : TypeRef;

/// <summary>`pulumi.json#/Any`.</summary>
public sealed record AnyType : TypeRef;

/// <summary>`pulumi.json#/Asset`: an asset or an archive.</summary>
public sealed record AssetType : TypeRef;

public sealed record ArrayType(TypeRef Element) : TypeRef;

/// <summary>An object with `additionalProperties`: a map from string keys.</summary>
public sealed record MapType(TypeRef Element) : TypeRef;

/// <summary>A reference to one of the package's object types.</summary>
public sealed record ObjectRef(string Token) : TypeRef;

/// <summary>A reference to one of the package's (string) enum types.</summary>
public sealed record EnumRef(string Token) : TypeRef;

/// <summary>A default value: a string, a long, a double or a bool, as the JSON gave it.</summary>
public sealed record DefaultValue(object Value);

public sealed record Property(
    string Name,
    string Description,
    TypeRef Type,
    bool Required,
    bool Secret,
    DefaultValue? Default,
    bool ReplaceOnChanges);

public sealed record ObjectTypeDef(string Token, string Description, IReadOnlyList<Property> Properties);

public sealed record EnumValue(string Name, string Value, string Description);

public sealed record EnumTypeDef(string Token, string Description, IReadOnlyList<EnumValue> Values);

public sealed record ResourceDef(
    string Token,
    string Description,
    IReadOnlyList<Property> Inputs,
    IReadOnlyList<Property> Outputs,
    bool IsProvider)
{
    /// <summary>`isComponent`: a multi-language component, registered remote so the engine calls Construct.</summary>
    public bool IsComponent { get; init; }
}

/// <summary>What the `language.csharp` block may say (pulumi-dotnet codegen/importer.go CSharpPackageInfo).</summary>
public sealed record CSharpInfo(string RootNamespace, IReadOnlyDictionary<string, string> Namespaces, bool RespectSchemaVersion);

/// <summary>What the `language.nodejs` block may say (pulumi pkg/codegen/nodejs/importer.go NodePackageInfo).</summary>
public sealed record NodeInfo(string PackageName, bool RespectSchemaVersion);

public sealed record PackageDef(
    string Name,
    string Version,
    string Description,
    IReadOnlyList<string> Keywords,
    string Homepage,
    string Repository,
    string License,
    string Publisher,
    IReadOnlyList<Property> Config,
    ResourceDef Provider,
    IReadOnlyList<ObjectTypeDef> Objects,
    IReadOnlyList<EnumTypeDef> Enums,
    IReadOnlyList<ResourceDef> Resources,
    CSharpInfo CSharp,
    NodeInfo Node)
{
    public ObjectTypeDef Object(string token) => Objects.Single(o => o.Token == token);
    public EnumTypeDef Enum(string token) => Enums.Single(e => e.Token == token);
}

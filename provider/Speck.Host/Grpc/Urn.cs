namespace Speck.Host.Grpc;

/// <summary>The parts of a URN <c>urn:pulumi:stack::project::parent$type::name</c> a provider needs.</summary>
public readonly record struct Urn(string Stack, string Project, string Type, string Name)
{
    public static Urn Parse(string urn)
    {
        var parts = urn.Split("::", 4);
        if (parts.Length < 4 || !parts[0].StartsWith("urn:pulumi:", StringComparison.Ordinal)) return new Urn("", "", "", urn);
        var qualified = parts[2];
        return new Urn(parts[0]["urn:pulumi:".Length..], parts[1], qualified[(qualified.LastIndexOf('$') + 1)..], parts[3]);
    }
}

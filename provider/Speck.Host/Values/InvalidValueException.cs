namespace Speck.Host.Values;

/// <summary>
/// A value the provider cannot read: a malformed Pulumi encoding, a wrong type, nesting deeper than the provider
/// handles. <see cref="Path"/> names the property (<c>nodeRed.nodes[3].wires</c>); the host answers InvalidArgument,
/// or a Check failure on that property.
/// </summary>
public sealed class InvalidValueException(string path, string reason) : Exception(reason)
{
    public string Path { get; private set; } = path;
    public string Reason { get; } = reason;

    /// <summary>Adds the enclosing segment while the exception unwinds (so paths cost nothing on the good path).</summary>
    internal InvalidValueException Within(string key)
    {
        Path = TypedBridge.Join("", key) + Rest(Path);
        return this;
    }

    /// <summary>Adds the enclosing list index while the exception unwinds.</summary>
    internal InvalidValueException WithinItem(int index)
    {
        Path = $"[{index}]" + Rest(Path);
        return this;
    }

    private static string Rest(string path) => path.Length == 0 || path[0] == '[' ? path : "." + path;

    public override string Message => Path.Length == 0 ? Reason : $"property '{Excerpt.Of(Path)}': {Reason}";
}

using Speck.Host.Values;

namespace Speck.Host.Grpc;

/// <summary>
/// Knows the secret strings of one request, and those the resource made while serving it (a generated password),
/// and removes them from any text leaving the provider.
/// </summary>
public sealed class SecretScrubber
{
    private readonly Lock _lock = new();
    private List<string> _secrets = [];

    public SecretScrubber(params PropertyMap?[] maps)
    {
        foreach (var m in maps)
            if (m is not null) Collect(m.AsValue(), false);
        // Longest first, so a secret containing another is blanked whole.
        _secrets.Sort((a, b) => b.Length.CompareTo(a.Length));
    }

    private void Collect(PropertyValue v, bool secret)
    {
        switch (v.Kind)
        {
            case PropertyKind.Secret: Collect(v.SecretValue, true); break;
            case PropertyKind.String when secret && v.AsString.Length >= 3: _secrets.Add(v.AsString); break;
            case PropertyKind.Array: foreach (var i in v.AsArray) Collect(i, secret); break;
            case PropertyKind.Object: foreach (var i in v.AsObject.Values) Collect(i, secret); break;
        }
    }

    public void Add(string secret)
    {
        if (secret.Length < 3) return;
        lock (_lock) _secrets = [.. _secrets.Append(secret).Distinct().OrderByDescending(s => s.Length)];
    }

    public string Scrub(string text)
    {
        foreach (var s in _secrets) text = text.Replace(s, "[secret]", StringComparison.Ordinal);
        return text;
    }
}

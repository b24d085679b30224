namespace Speck.Testbed;

/// <summary>The shell words that run a command inside a network namespace (<c>ip netns exec NS</c>), or nothing.</summary>
internal static class NetnsPrefix
{
    public static string Of(string? networkNamespace)
    {
        if (networkNamespace is null) return "";
        if (!System.Text.RegularExpressions.Regex.IsMatch(networkNamespace, "^[A-Za-z0-9_.-]{1,64}$"))
            throw new ArgumentException($"network namespace '{networkNamespace}' is not a plain name", nameof(networkNamespace));
        return $"ip netns exec {networkNamespace} ";
    }
}

using System.Security.Cryptography;

namespace Speck.FlinkStandIn.Http;

/// <summary>JobID / TriggerId: 16 bytes written as 32 lower-case hex characters; parsing accepts either case, as Flink's does.</summary>
public static class FlinkIds
{
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static bool TryParse(string? value, out string id)
    {
        id = "";
        if (value is null || value.Length != 32 || !value.All(Uri.IsHexDigit)) return false;
        id = value.ToLowerInvariant();
        return true;
    }
}

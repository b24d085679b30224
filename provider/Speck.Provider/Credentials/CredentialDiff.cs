using System.Text.RegularExpressions;
using Speck.Host.Resources;
using Speck.Provider.Model;

namespace Speck.Provider.Credentials;

/// <summary>
/// A credential that moved between an endpoint and the provider's `credentials` (an imported resource's inputs carry
/// none; the program that declares it may give them) is no change when the credential in effect is the same.
/// </summary>
internal static partial class CredentialDiff
{
    [GeneratedRegex(@"^(?<endpoint>.+)\.(?<field>token|username|password|adminUsername|adminPassword|caCert)$")]
    private static partial Regex CredentialPath();

    /// <summary>
    /// Drops each credential path of <paramref name="detailed"/> whose endpoint <paramref name="endpoints"/> resolves
    /// (old, new) and whose effective value is the same on both.
    /// </summary>
    public static void DropUnchanged(Dictionary<string, DiffKind> detailed, SiteCredentials credentials,
        Func<string, (object? Old, object? New)> endpoints)
    {
        foreach (var path in detailed.Keys.ToList())
        {
            if (CredentialPath().Match(path) is not { Success: true } m) continue;
            var (old, @new) = endpoints(m.Groups["endpoint"].Value);
            var field = m.Groups["field"].Value;
            var same = (old, @new) switch
            {
                (SpeEndpoint o, SpeEndpoint n) when o.Url == n.Url => Field(credentials.Complete(o), field) == Field(credentials.Complete(n), field),
                (BrokerEndpoint o, BrokerEndpoint n) when o.Url == n.Url => Field(credentials.Complete(o), field) == Field(credentials.Complete(n), field),
                _ => false,
            };
            if (same) detailed.Remove(path);
        }
    }

    private static string? Field(SpeEndpoint e, string field) => field switch
    {
        "token" => e.Token,
        "username" => e.Username,
        "password" => e.Password,
        _ => null,
    };

    private static string? Field(BrokerEndpoint e, string field) => field switch
    {
        "username" => e.Username,
        "password" => e.Password,
        "adminUsername" => e.AdminUsername,
        "adminPassword" => e.AdminPassword,
        "caCert" => e.CaCert,
        _ => null,
    };

    /// <summary>The engine or broker at <c>site.spe</c> / <c>site.broker</c> of a site connection.</summary>
    public static object? SiteEndpoint(SiteConnection? site, string path) => path switch
    {
        "site.spe" => site?.Spe,
        "site.broker" => site?.Broker,
        _ => null,
    };
}

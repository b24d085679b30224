using System.Security.Cryptography;
using System.Text;

namespace Speck.Provider.Resources;

/// <summary>
/// The tag that marks what a resource made on a broker (a topic's roles, a job's login) as that resource's: derived
/// from the URN, so a create that is run again after its answer was lost finds its own roles and takes them over,
/// while another resource's stay refused.
/// </summary>
internal static class OwnerTags
{
    public static string Of(string urn) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(urn)))[..16];
}

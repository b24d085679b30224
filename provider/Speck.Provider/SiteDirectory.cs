using System.Collections.Concurrent;
using Speck.Provider.Model;

namespace Speck.Provider;

/// <summary>
/// The sites this provider process has seen, by name. Imports get only an ID from the engine; a
/// <c>&lt;site&gt;/&lt;object&gt;</c> ID is resolved through the SpeSite declared in the same program.
/// </summary>
public sealed class SiteDirectory
{
    private readonly ConcurrentDictionary<string, SiteConnection> _sites = new(StringComparer.Ordinal);

    public void Remember(SiteConnection site) => _sites[site.SiteName] = site;
    public SiteConnection? Find(string name) => _sites.GetValueOrDefault(name);
}

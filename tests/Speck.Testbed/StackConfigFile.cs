using System.Text;

namespace Speck.Testbed;

/// <summary>Writes a <c>Pulumi.&lt;stack&gt;.yaml</c> with the endpoints of local sites.</summary>
public static class StackConfigFile
{
    public static async Task WriteAsync(string path, string project, IEnumerable<LocalSite> sites, IEnumerable<KeyValuePair<string, string>>? extra = null)
    {
        var sb = new StringBuilder("# Written by speck-testbed for local sites on loopback; not for committing.\nconfig:\n");
        foreach (var (k, v) in sites.SelectMany(s => s.Config()).Concat(extra ?? []))
            sb.Append($"  {project}:{k}: \"{v.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"\n");
        await File.WriteAllTextAsync(path, sb.ToString());
    }
}

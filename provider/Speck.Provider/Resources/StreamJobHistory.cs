using Speck.Host.Resources;
using Speck.Provider.Model;
using Speck.Provider.Spe;

namespace Speck.Provider.Resources;

/// <summary>
/// A job's savepoint history as an update changes it: savepoints it takes are added with their time, and with
/// <c>savepointRetention</c> the ones beyond its count or age are disposed through the engine, as the Flink
/// Kubernetes Operator's housekeeping does (docs/flink-rest.md §A savepoint without stopping, and disposal): the
/// oldest first, an entry forgotten only once disposed, and never the savepoint a restart or rollback resumes from
/// (<c>lastSavepoint</c>) nor the newest. Without retention at most 10 are remembered and none disposed.
/// </summary>
internal sealed class StreamJobHistory(StreamJobState olds, StreamJobArgs news)
{
    private const int Remembered = 10;
    private List<string>? _paths = olds.SavepointHistory;
    private Dictionary<string, long>? _times = olds.SavepointTimes;

    public StreamJobState Apply(StreamJobState state) => state with { SavepointHistory = _paths, SavepointTimes = _times };

    public void Add(string path)
    {
        var paths = (_paths ?? []).Where(p => p != path).ToList();
        paths.Add(path);
        if (news.SavepointRetention is null && paths.Count > Remembered) paths = paths.TakeLast(Remembered).ToList();
        var times = new Dictionary<string, long>(_times ?? []) { [path] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() };
        _paths = paths;
        _times = Known(times, paths);
    }

    /// <summary>Disposes of what the retention rules drop, on <paramref name="site"/>; a failed disposal is a warning and stays listed.</summary>
    public async Task HousekeepAsync(ISpeBinder binder, SiteConnection site, string? resumesFrom, ResourceContext ctx, CancellationToken ct)
    {
        if (news.SavepointRetention is not { } retention || _paths is not { Count: > 0 } paths) return;
        var keep = new HashSet<string> { paths[^1] };
        if (resumesFrom is not null) keep.Add(resumesFrom);
        var cutoff = retention.MaxAge is { } age && SavepointRetention.Duration(age) is { } span
            ? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (long)span.TotalMilliseconds : (long?)null;
        var remaining = paths.ToList();
        var tooMany = remaining.Count - (retention.MaxCount ?? int.MaxValue);
        foreach (var path in paths.Where(p => !keep.Contains(p)))
        {
            var tooOld = cutoff is { } c && _times?.GetValueOrDefault(path) is > 0 and var taken && taken < c;
            if (tooMany <= 0 && !tooOld) continue;
            var why = await binder.DisposeSavepointAsync(site.Spe, path, ct);
            if (why is not null)
            {
                await ctx.WarnAsync($"could not dispose of savepoint {path} on site '{site.SiteName}' (kept in savepointHistory, tried again by the next update): {why}");
                // Oldest first: a newer one is not disposed by count in its place, or the older one would be orphaned.
                if (tooMany > 0) tooMany = 0;
                continue;
            }
            await ctx.InfoAsync($"disposed of savepoint {path} on site '{site.SiteName}' ({(tooOld ? $"older than {retention.MaxAge}" : $"beyond the {retention.MaxCount} kept")})");
            remaining.Remove(path);
            tooMany--;
        }
        _paths = remaining;
        _times = Known(_times ?? [], remaining);
    }

    private static Dictionary<string, long>? Known(Dictionary<string, long> times, List<string> paths)
    {
        var kept = times.Where(t => paths.Contains(t.Key)).ToDictionary(t => t.Key, t => t.Value);
        return kept.Count == 0 ? null : kept;
    }
}

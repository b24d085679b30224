using System.Text.Json.Nodes;
using Speck.FlinkStandIn.Http;
using Speck.FlinkStandIn.Jobs;

namespace Speck.FlinkStandIn;

/// <summary>
/// <c>GET /config</c> (DashboardConfiguration), <c>GET /overview</c> (ClusterOverviewWithVersion) and
/// <c>GET /jobmanager/config</c> (the configured entries as <c>{key, value}</c>).
/// </summary>
internal static class ClusterRoutes
{
    public static void Map(Router router, FlinkStandInOptions options, JobStore jobs)
    {
        router.Add("GET", "/config", _ => FlinkResponse.Ok(new JsonObject
        {
            ["refresh-interval"] = 3000L, ["timezone-name"] = "Coordinated Universal Time", ["timezone-offset"] = 0,
            ["flink-version"] = options.FlinkVersion, ["flink-revision"] = options.FlinkRevision,
            ["features"] = new JsonObject
            {
                ["web-submit"] = options.WebSubmit, ["web-cancel"] = true, ["web-rescale"] = false, ["web-history"] = false,
            },
        }));

        router.Add("GET", "/jobmanager/config", _ => FlinkResponse.Ok(new JsonArray(options.ConfiguredEntries().OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => (JsonNode)new JsonObject { ["key"] = e.Key, ["value"] = e.Value }).ToArray())));

        // taskmanagers-blocked and slots-free-and-blocked are omitted when 0 (@JsonInclude NON_DEFAULT,
        // docs/flink-rest.md §Cluster info).
        router.Add("GET", "/overview", _ =>
        {
            lock (jobs.Sync)
            {
                var all = jobs.Visible.ToList();
                return FlinkResponse.Ok(new JsonObject
                {
                    ["taskmanagers"] = options.TaskManagers, ["slots-total"] = jobs.TotalSlots,
                    ["slots-available"] = Math.Max(0, jobs.TotalSlots - jobs.UsedSlots),
                    ["jobs-running"] = all.Count(j => !j.State.IsGloballyTerminal()),
                    ["jobs-finished"] = all.Count(j => j.State == JobStatus.FINISHED),
                    ["jobs-cancelled"] = all.Count(j => j.State == JobStatus.CANCELED),
                    ["jobs-failed"] = all.Count(j => j.State == JobStatus.FAILED),
                    ["flink-version"] = options.FlinkVersion, ["flink-commit"] = options.FlinkRevision.Split(' ')[0],
                });
            }
        });
    }
}

using System.Text.Json.Nodes;
using Speck.FlinkStandIn.Http;

namespace Speck.FlinkStandIn.Jobs;

/// <summary>Job listing, details, status, exceptions and cancel (docs/flink-rest.md §Jobs, §Cancel).</summary>
internal static class JobRoutes
{
    public static void Map(Router router, JobStore jobs)
    {
        router.Add("GET", "/jobs", _ => Locked(jobs, () => FlinkResponse.Ok(new JsonObject
        {
            ["jobs"] = new JsonArray(jobs.Visible.Select(j => (JsonNode)new JsonObject { ["id"] = j.Id, ["status"] = j.State.ToString() }).ToArray()),
        })));
        router.Add("GET", "/jobs/overview", _ => Locked(jobs, () => FlinkResponse.Ok(new JsonObject
        {
            ["jobs"] = new JsonArray(jobs.Visible.Select(j => (JsonNode)JobJson.Overview(j, jobs.Now)).ToArray()),
        })));
        router.Add("GET", "/jobs/{jobid}", r => Locked(jobs, () => FlinkResponse.Ok(JobJson.Details(Existing(jobs, r), jobs.Now))));
        router.Add("GET", "/jobs/{jobid}/status", r => Locked(jobs, () =>
            FlinkResponse.Ok(new JsonObject { ["status"] = Existing(jobs, r).State.ToString() })));
        router.Add("GET", "/jobs/{jobid}/execution-result", r => Locked(jobs, () => FlinkResponse.Ok(JobJson.ExecutionResult(Existing(jobs, r)))));
        // A job that failed while initializing never got an execution graph, so it has no checkpoint statistics.
        router.Add("GET", "/jobs/{jobid}/checkpoints", r => Locked(jobs, () =>
        {
            var job = Existing(jobs, r);
            return job.Timestamps.ContainsKey(JobStatus.CREATED)
                ? FlinkResponse.Ok(CheckpointJson.Statistics(job))
                : throw FlinkRestException.Handler(404, "Checkpointing has not been enabled.");
        }));
        router.Add("GET", "/jobs/{jobid}/checkpoints/config", r => Locked(jobs, () =>
        {
            var job = Existing(jobs, r);
            return job.Timestamps.ContainsKey(JobStatus.CREATED)
                ? FlinkResponse.Ok(CheckpointJson.Config(job))
                : throw FlinkRestException.Handler(404, $"Checkpointing is not enabled for this job ({job.Id}).");
        }));
        router.Add("GET", "/jobs/{jobid}/exceptions", r =>
        {
            var max = 20;
            if (r.Query("maxExceptions") is { } m && (!int.TryParse(m, out max) || max < 0))
                throw FlinkRestException.BadQueryParameter("maxExceptions", m);
            return Locked(jobs, () => FlinkResponse.Ok(JobJson.Exceptions(Existing(jobs, r), max)));
        });
        router.Add("PATCH", "/jobs/{jobid}", r =>
        {
            var mode = r.Query("mode") ?? "cancel";
            if (string.Equals(mode, "stop", StringComparison.OrdinalIgnoreCase))
                throw FlinkRestException.Handler(308,
                    "The termination mode \"stop\" has been removed. For an ungraceful shutdown, please use \"cancel\" instead. For a graceful shutdown, please use \"jobs/:jobId/stop\" instead.");
            if (!string.Equals(mode, "cancel", StringComparison.OrdinalIgnoreCase)) throw FlinkRestException.BadQueryParameter("mode", mode);
            jobs.Cancel(r.Path("jobid"));
            return FlinkResponse.Accepted(new JsonObject());
        });
    }

    private static FlinkResponse Locked(JobStore jobs, Func<FlinkResponse> answer)
    {
        lock (jobs.Sync) return answer();
    }

    internal static Job Existing(JobStore jobs, FlinkRequest r)
    {
        var id = r.Path("jobid");
        return jobs.Find(id) ?? throw FlinkRestException.Of(404, new JavaError(FlinkRestException.NotFoundException, $"Job {id} not found",
            new JavaError("org.apache.flink.runtime.messages.FlinkJobNotFoundException", $"Could not find Flink job ({id})")));
    }
}

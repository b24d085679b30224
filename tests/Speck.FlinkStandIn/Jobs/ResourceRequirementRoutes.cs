using System.Text.Json;
using System.Text.Json.Nodes;
using Speck.FlinkStandIn.Http;

namespace Speck.FlinkStandIn.Jobs;

/// <summary>
/// <c>GET</c> and <c>PUT /jobs/{jobid}/resource-requirements</c> (docs/flink-rest.md §Changing parallelism in place).
/// Only the adaptive scheduler implements them; under the default scheduler both answer 500 with SchedulerNG's
/// UnsupportedOperationException. A PUT that changes the bounds restarts the job's tasks (RESTARTING) with the new
/// parallelism; the job keeps its id. The stand-in's vertices share one parallelism: the largest bounds apply.
/// </summary>
internal static class ResourceRequirementRoutes
{
    private const string Unsupported =
        "The DefaultScheduler does not support changing the parallelism without a job restart. This feature is currently only expected to work with the AdaptiveScheduler.";

    public static void Map(Router router, JobStore jobs, FlinkStandInOptions options)
    {
        router.Add("GET", "/jobs/{jobid}/resource-requirements", r =>
        {
            lock (jobs.Sync)
            {
                var job = Adaptive(JobRoutes.Existing(jobs, r), options);
                var body = new JsonObject();
                foreach (var (vertex, (lower, upper)) in Requirements(job))
                    body[vertex] = new JsonObject { ["parallelism"] = new JsonObject { ["lowerBound"] = lower, ["upperBound"] = upper } };
                return FlinkResponse.Ok(body);
            }
        });
        router.Add("PUT", "/jobs/{jobid}/resource-requirements", async r =>
        {
            var wanted = await ReadAsync(r);
            lock (jobs.Sync)
            {
                var job = Adaptive(JobRoutes.Existing(jobs, r), options);
                var current = Requirements(job);
                var unknown = wanted.Keys.Where(v => !current.ContainsKey(v)).ToList();
                // Each vertex's bounds: 1 <= lower <= upper <= its max parallelism (128 here) (unverified wording).
                var bad = wanted.Where(w => w.Value.Lower < 1 || w.Value.Upper < w.Value.Lower || w.Value.Upper > 128).Select(w => w.Key).ToList();
                if (unknown.Count > 0 || bad.Count > 0)
                    throw FlinkRestException.Internal(new JavaError("java.lang.IllegalArgumentException",
                        $"Invalid resource requirements: [{string.Join(", ", unknown.Select(v => $"unknown vertex {v}").Concat(bad.Select(v => $"bad bounds for {v}")))}]."));
                if (!wanted.All(w => current[w.Key] == w.Value))
                {
                    foreach (var (vertex, bounds) in wanted) current[vertex] = bounds;
                    jobs.Rescale(job);
                }
                return FlinkResponse.Ok(new JsonObject());
            }
        });
    }

    /// <summary>The job's requirements: lower bound 1, upper bound its parallelism until set (unverified).</summary>
    private static Dictionary<string, (int Lower, int Upper)> Requirements(Job job) =>
        job.Requirements ??= job.OperatorIds.ToDictionary(v => v, _ => (1, job.Parallelism));

    private static Job Adaptive(Job job, FlinkStandInOptions options) =>
        options.AdaptiveScheduler ? job : throw FlinkRestException.Internal(new JavaError("java.lang.UnsupportedOperationException", Unsupported));

    /// <summary>JobResourceRequirementsBody: vertex id → <c>{"parallelism": {"lowerBound", "upperBound"}}</c>; none at all is a 400.</summary>
    private static async Task<Dictionary<string, (int Lower, int Upper)>> ReadAsync(FlinkRequest r)
    {
        JsonNode? body;
        try { body = await JsonNode.ParseAsync(r.Http.Request.Body, cancellationToken: r.Aborted); }
        catch (JsonException) { throw FlinkRestException.BadBody("JobResourceRequirementsBody"); }
        if (body is not JsonObject o) throw FlinkRestException.BadBody("JobResourceRequirementsBody");
        var result = new Dictionary<string, (int, int)>();
        foreach (var (vertex, node) in o)
        {
            if (!FlinkIds.TryParse(vertex, out var id) || node?["parallelism"] is not JsonObject p
                || p["lowerBound"]?.GetValueKind() != JsonValueKind.Number || p["upperBound"]?.GetValueKind() != JsonValueKind.Number)
                throw FlinkRestException.BadBody("JobResourceRequirementsBody");
            result[id!] = ((int)p["lowerBound"]!, (int)p["upperBound"]!);
        }
        if (result.Count == 0) throw FlinkRestException.Handler(400, "Request body does not specify resource requirements.");
        return result;
    }
}

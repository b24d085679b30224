using System.Text.Json.Nodes;
using Speck.FlinkStandIn.Http;
using Speck.FlinkStandIn.Jobs;

namespace Speck.FlinkStandIn.Savepoints;

/// <summary>
/// <c>/savepoint-disposal</c>: deletes a savepoint directory asynchronously, polled like other operations. A path that is
/// no savepoint completes with the failure the restore would report.
/// </summary>
public sealed class SavepointDisposals(JobStore jobs, FlinkStandInOptions options)
{
    private sealed class Disposal(string path, long started)
    {
        public string Path { get; } = path;
        public long Started { get; } = started;
        public long? Completed { get; set; }
        public JavaError? Failure { get; set; }
    }

    private readonly Dictionary<string, Disposal> _disposals = [];

    internal string Trigger(string savepointPath)
    {
        lock (jobs.Sync)
        {
            var id = FlinkIds.New();
            _disposals[id] = new Disposal(savepointPath, jobs.Now);
            return id;
        }
    }

    internal JsonObject Status(string triggerId)
    {
        lock (jobs.Sync)
        {
            if (!_disposals.TryGetValue(triggerId, out var d))
                throw FlinkRestException.Of(404, new JavaError(FlinkRestException.NotFoundException, $"Operation not found under key: {triggerId}"));
            if (d.Completed is null) return new JsonObject { ["status"] = new JsonObject { ["id"] = "IN_PROGRESS" }, ["operation"] = null };
            var operation = d.Failure is null ? new JsonObject() : new JsonObject { ["failure-cause"] = d.Failure.ToSerializedThrowable() };
            return new JsonObject { ["status"] = new JsonObject { ["id"] = "COMPLETED" }, ["operation"] = operation };
        }
    }

    internal void Advance()
    {
        lock (jobs.Sync)
        {
            var now = jobs.Now;
            foreach (var (id, d) in _disposals.ToList())
            {
                if (d.Completed is { } done)
                {
                    if (now - done >= options.AsyncStoreDuration.TotalMilliseconds) _disposals.Remove(id);
                }
                else if (now - d.Started >= options.SavepointTime.TotalMilliseconds)
                {
                    d.Failure = SavepointFiles.Dispose(d.Path);
                    d.Completed = now;
                }
            }
        }
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Serialization.Metadata;

namespace Speck.Provider.Spe.Flink;

/// <summary>What a cancel request found: Flink answers 202 (also for an already cancelled job), 409 for a job that
/// already FINISHED or FAILED, 404 for a job it does not know (any more).</summary>
public enum CancelOutcome { Cancelling, AlreadyTerminal, Missing }

/// <summary>A savepoint that Flink reported as failed (a failed savepoint is still a COMPLETED operation).</summary>
public sealed class FlinkSavepointFailedException(string jobId, string cause) : Exception($"savepoint of Flink job {jobId} failed: {cause}")
{
    public string Cause { get; } = cause;
}

/// <summary>
/// Typed client of a Flink JobManager's REST API (the paths a deployer needs). It keeps no state of its own; the
/// HttpClient comes from the site's pool. Errors become <see cref="FlinkRestException"/> with a readable summary.
/// </summary>
public sealed class FlinkClient(HttpClient http, string? token = null, string? username = null, string? password = null)
{
    private static readonly FlinkJsonContext Json = FlinkJsonContext.Default;

    public Task<FlinkConfig> GetConfigAsync(CancellationToken ct) => GetAsync("config", Json.FlinkConfig, ct);
    public Task<FlinkOverview> GetOverviewAsync(CancellationToken ct) => GetAsync("overview", Json.FlinkOverview, ct);
    public Task<FlinkJarList> ListJarsAsync(CancellationToken ct) => GetAsync("jars", Json.FlinkJarList, ct);
    public Task<FlinkJobsOverview> ListJobsAsync(CancellationToken ct) => GetAsync("jobs/overview", Json.FlinkJobsOverview, ct);
    public Task<List<FlinkConfigEntry>> GetJobManagerConfigAsync(CancellationToken ct) => GetAsync("jobmanager/config", Json.ListFlinkConfigEntry, ct);
    public Task<FlinkCheckpointConfig> GetCheckpointConfigAsync(string jobId, CancellationToken ct) =>
        GetAsync($"jobs/{jobId}/checkpoints/config", Json.FlinkCheckpointConfig, ct);
    public Task<FlinkCheckpointStatistics> GetCheckpointsAsync(string jobId, CancellationToken ct) =>
        GetAsync($"jobs/{jobId}/checkpoints", Json.FlinkCheckpointStatistics, ct);
    public Task<Dictionary<string, FlinkVertexRequirements>> GetResourceRequirementsAsync(string jobId, CancellationToken ct) =>
        GetAsync($"jobs/{jobId}/resource-requirements", Json.DictionaryStringFlinkVertexRequirements, ct);

    public async Task PutResourceRequirementsAsync(string jobId, Dictionary<string, FlinkVertexRequirements> requirements, CancellationToken ct)
    {
        using var _ = await SendAsync(HttpMethod.Put, $"jobs/{jobId}/resource-requirements",
            JsonContent.Create(requirements, Json.DictionaryStringFlinkVertexRequirements), ct);
    }

    /// <summary>Starts disposing of a savepoint; returns the trigger id to poll (Flink answers 200 here, not 202).</summary>
    public async Task<string> DisposeSavepointAsync(string savepointPath, CancellationToken ct) =>
        (await SendAsync(HttpMethod.Post, "savepoint-disposal", JsonContent.Create(new FlinkSavepointDisposalRequest { SavepointPath = savepointPath },
            Json.FlinkSavepointDisposalRequest), Json.FlinkTriggerResponse, ct)).RequestId;

    public Task<FlinkAsyncResult> GetDisposalStatusAsync(string triggerId, CancellationToken ct) =>
        GetAsync($"savepoint-disposal/{triggerId}", Json.FlinkAsyncResult, ct);

    public Task<FlinkExceptions> GetExceptionsAsync(string jobId, CancellationToken ct) =>
        GetAsync($"jobs/{jobId}/exceptions?maxExceptions=5", Json.FlinkExceptions, ct);

    /// <summary>The job, or null when Flink does not know it (never ran here, or expired from the job store).</summary>
    public async Task<FlinkJobDetails?> GetJobAsync(string jobId, CancellationToken ct)
    {
        try { return await GetAsync($"jobs/{jobId}", Json.FlinkJobDetails, ct); }
        catch (FlinkRestException e) when (e.Status == HttpStatusCode.NotFound) { return null; }
    }

    public async Task<FlinkJarUpload> UploadJarAsync(string fileName, Stream jar, CancellationToken ct)
    {
        using var form = new MultipartFormDataContent();
        var part = new StreamContent(jar);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/x-java-archive");
        form.Add(part, "jarfile", fileName);
        return await SendAsync(HttpMethod.Post, "jars/upload", form, Json.FlinkJarUpload, ct);
    }

    /// <summary>False when the jar was already gone (Flink answers 400 "does not exist" for an unknown jar).</summary>
    public async Task<bool> DeleteJarAsync(string jarId, CancellationToken ct)
    {
        try
        {
            await SendAsync(HttpMethod.Delete, $"jars/{Uri.EscapeDataString(jarId)}", null, ct);
            return true;
        }
        catch (FlinkRestException e) when (e.Status == HttpStatusCode.BadRequest && e.Mentions("does not exist")) { return false; }
    }

    /// <summary>Runs a jar. Flink blocks until the job leaves INITIALIZING, so restore failures come back here.</summary>
    public Task<FlinkJarRunResponse> RunJarAsync(string jarId, FlinkJarRunRequest request, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, $"jars/{Uri.EscapeDataString(jarId)}/run", JsonContent.Create(request, Json.FlinkJarRunRequest), Json.FlinkJarRunResponse, ct);

    public async Task<CancelOutcome> CancelAsync(string jobId, CancellationToken ct)
    {
        try
        {
            await SendAsync(HttpMethod.Patch, $"jobs/{jobId}?mode=cancel", null, ct);
            return CancelOutcome.Cancelling;
        }
        catch (FlinkRestException e) when (e.Status == HttpStatusCode.Conflict) { return CancelOutcome.AlreadyTerminal; }
        catch (FlinkRestException e) when (e.Status == HttpStatusCode.NotFound) { return CancelOutcome.Missing; }
    }

    /// <summary>Starts stop-with-savepoint; returns the trigger id to poll. A missing savepoint directory fails here (400).</summary>
    public async Task<string> StopWithSavepointAsync(string jobId, FlinkStopRequest request, CancellationToken ct) =>
        (await SendAsync(HttpMethod.Post, $"jobs/{jobId}/stop", JsonContent.Create(request, Json.FlinkStopRequest), Json.FlinkTriggerResponse, ct)).RequestId;

    public async Task<string> TriggerSavepointAsync(string jobId, FlinkSavepointRequest request, CancellationToken ct) =>
        (await SendAsync(HttpMethod.Post, $"jobs/{jobId}/savepoints", JsonContent.Create(request, Json.FlinkSavepointRequest), Json.FlinkTriggerResponse, ct)).RequestId;

    public Task<FlinkAsyncResult> GetSavepointStatusAsync(string jobId, string triggerId, CancellationToken ct) =>
        GetAsync($"jobs/{jobId}/savepoints/{triggerId}", Json.FlinkAsyncResult, ct);

    /// <summary>
    /// Polls a savepoint operation until it completes, with growing pauses (<see cref="PollPauses"/>), at most <paramref name="maxPolls"/> times
    /// and never past <paramref name="ct"/>. Returns the savepoint location.
    /// </summary>
    public async Task<string> AwaitSavepointAsync(string jobId, string triggerId, CancellationToken ct, int maxPolls = 1000)
    {
        var pauses = new PollPauses(TimeSpan.FromMilliseconds(25), TimeSpan.FromMilliseconds(1000));
        for (var i = 0; i < maxPolls; i++)
        {
            var result = await GetSavepointStatusAsync(jobId, triggerId, ct);
            if (result.Status.Id == "COMPLETED")
            {
                if (result.Operation?.Location is { } location) return location;
                var cause = result.Operation?.FailureCause;
                // FLINK-33522: the savepoint was written but the job failed while stopping; the path is in the message.
                if (cause?.StackTrace is { } trace && StoppingExceptionPath(trace) is { } path) return path;
                throw new FlinkSavepointFailedException(jobId, cause is null ? "no location reported"
                    : FlinkRestException.Summarize(cause.StackTrace ?? cause.Class ?? "unknown cause"));
            }
            await Task.Delay(pauses.Next(), ct);
        }
        throw new TimeoutException($"savepoint {triggerId} of Flink job {jobId} still in progress after {maxPolls} polls");
    }

    private static string? StoppingExceptionPath(string trace)
    {
        const string marker = "StopWithSavepointStoppingException";
        if (!trace.Contains(marker, StringComparison.Ordinal)) return null;
        var m = System.Text.RegularExpressions.Regex.Match(trace, @"savepoint(?: path)?[^\n]*?((?:file|s3|s3a|hdfs|gs|abfss?|oss)://?[^\s""']+)");
        return m.Success ? m.Groups[1].Value.TrimEnd('.', ',') : null;
    }

    private async Task<T> GetAsync<T>(string path, JsonTypeInfo<T> info, CancellationToken ct) =>
        await SendAsync(HttpMethod.Get, path, null, info, ct);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? body, JsonTypeInfo<T> info, CancellationToken ct)
    {
        using var res = await SendAsync(method, path, body, ct);
        return await res.Content.ReadFromJsonAsync(info, ct)
            ?? throw new FlinkRestException(res.StatusCode, Describe(method, path), "empty body", "");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? body, CancellationToken ct)
    {
        using var req = new HttpRequestMessage(method, path) { Content = body };
        if (token is not null) req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        else if (username is not null && password is not null)
            req.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));
        var res = await http.SendAsync(req, ct);
        if (res.IsSuccessStatusCode) return res;
        using (res)
        {
            var text = await res.Content.ReadAsStringAsync(ct);
            throw FlinkRestException.From(res.StatusCode, Describe(method, path), text);
        }
    }

    private static string Describe(HttpMethod method, string path)
    {
        var q = path.IndexOf('?');
        return $"{method} /{(q < 0 ? path : path[..q])}";
    }
}

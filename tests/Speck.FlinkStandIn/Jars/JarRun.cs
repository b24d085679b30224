using System.Text;
using System.Text.Json.Nodes;
using Speck.FlinkStandIn.Http;
using Speck.FlinkStandIn.Jobs;
using Speck.FlinkStandIn.Savepoints;

namespace Speck.FlinkStandIn.Jars;

/// <summary>
/// <c>POST /jars/{jarid}/run</c>: resolves the program, submits the job and, like Flink's detached executor, answers
/// only once the job has left INITIALIZING, so a failed savepoint restore comes back from the call itself (§4.5).
/// </summary>
internal sealed class JarRun(JarStore jars, JobStore jobs, FlinkStandInOptions options)
{
    private const string BodyClass = "JarRunRequestBody";

    private Dictionary<string, FieldKind> Fields()
    {
        var fields = new Dictionary<string, FieldKind>
        {
            ["entryClass"] = FieldKind.String, ["programArgsList"] = FieldKind.StringList, ["parallelism"] = FieldKind.Int,
            ["jobId"] = FieldKind.Hex32, ["allowNonRestoredState"] = FieldKind.Bool, ["savepointPath"] = FieldKind.String,
            ["restoreMode"] = FieldKind.RestoreMode, ["flinkConfiguration"] = FieldKind.StringMap,
        };
        if (options.VersionAtLeast(1, 20)) fields["claimMode"] = FieldKind.RestoreMode;
        if (!options.VersionAtLeast(2, 0)) fields["programArgs"] = FieldKind.String;
        return fields;
    }

    public async Task<FlinkResponse> RunAsync(FlinkRequest r)
    {
        var body = await StrictBody.ReadAsync(r.Http.Request, BodyClass, Fields(), r.Aborted);
        if (body.Has("programArgs") && body.Has("programArgsList"))
            throw FlinkRestException.Handler(400, "Confusing request: programArgs and programArgsList are specified, please, use only programArgsList");

        // The body wins over the query parameters (flink-rest.md §2.2).
        var entryClass = body.String("entryClass") ?? r.Query("entry-class");
        var args = body.StringList("programArgsList")
                   ?? (body.String("programArgs") is { } a ? Tokenize(a) : null)
                   ?? (r.Query("programArg") is { } qa ? qa.Split(',').ToList() : null)
                   ?? (!options.VersionAtLeast(2, 0) && r.Query("program-args") is { } qp ? Tokenize(qp) : null)
                   ?? [];
        var parallelism = body.Int("parallelism") ?? QueryInt(r, "parallelism") ?? -1;
        if (parallelism == -1) parallelism = options.DefaultParallelism;
        var savepointPath = body.String("savepointPath") ?? r.Query("savepointPath");
        var allowNonRestored = body.Bool("allowNonRestoredState")
                               ?? (r.Query("allowNonRestoredState") is { } q && bool.TryParse(q, out var b) && b);
        FlinkIds.TryParse(body.String("jobId"), out var requestedId);

        var program = jars.Program(r.Path("jarid"), entryClass);
        if (parallelism < 1)
            throw FlinkRestException.Internal(new JavaError("java.util.concurrent.CompletionException",
                "java.lang.IllegalArgumentException: The parallelism of an operator must be at least 1.",
                new JavaError("java.lang.IllegalArgumentException", "The parallelism of an operator must be at least 1.")));

        var job = jobs.Submit(new Job
        {
            Id = requestedId.Length > 0 ? requestedId : FlinkIds.New(), Name = "Flink Streaming Job", JarId = program.JarId,
            JarSha256 = program.Sha256, EntryClass = program.EntryClass, Args = args, Parallelism = parallelism,
            Submitted = jobs.Now, SavepointPath = savepointPath, AllowNonRestoredState = allowNonRestored,
            ClaimMode = body.String("claimMode") ?? body.String("restoreMode") ?? "NO_CLAIM",
            FlinkConfiguration = body.StringMap("flinkConfiguration") ?? new Dictionary<string, string>(),
        });

        await Task.Delay(options.InitializingTime, CancellationToken.None);
        JavaError? failure = null;
        string? restoredFrom = null;
        long? restoredState = null;
        if (savepointPath is not null)
        {
            try
            {
                var (dir, metadata) = SavepointFiles.Read(savepointPath);
                var unmapped = metadata.OperatorIds.Except(job.OperatorIds).FirstOrDefault();
                if (unmapped is not null && !allowNonRestored)
                    failure = new JavaError("java.lang.IllegalStateException",
                        $"Failed to rollback to checkpoint/savepoint {savepointPath}. Cannot map checkpoint/savepoint state for operator {unmapped} to the new program, because the operator is not available in the new program. If you want to allow to skip this, you can set the --allowNonRestoredState option on the CLI.");
                else
                {
                    restoredFrom = "file:" + dir;
                    restoredState = metadata.State;
                }
            }
            catch (SavepointException e)
            {
                failure = e.Error;
            }
        }
        jobs.EndInitialization(job, failure, restoredFrom, restoredState);
        if (failure is not null)
            throw FlinkRestException.Handler(400, "Could not execute application.",
                new JavaError("java.util.concurrent.CompletionException", "org.apache.flink.util.FlinkRuntimeException: Could not execute application.",
                    new JavaError("org.apache.flink.client.program.ProgramInvocationException", "The main method caused an error: Could not start the JobMaster.",
                        new JavaError("org.apache.flink.runtime.client.JobInitializationException", "Could not start the JobMaster.", failure))));
        return FlinkResponse.Ok(new JsonObject { ["jobid"] = job.Id });
    }

    private static int? QueryInt(FlinkRequest r, string name)
    {
        var v = r.Query(name);
        if (v is null) return null;
        return int.TryParse(v, out var n) ? n : throw FlinkRestException.BadQueryParameter(name, v);
    }

    /// <summary>Splits <c>programArgs</c> like a shell: whitespace separates, single and double quotes group.</summary>
    internal static List<string> Tokenize(string text)
    {
        var result = new List<string>();
        var current = new StringBuilder();
        char? quote = null;
        var inToken = false;
        foreach (var c in text)
        {
            if (quote is not null)
            {
                if (c == quote) quote = null; else current.Append(c);
            }
            else if (c is '"' or '\'') { quote = c; inToken = true; }
            else if (char.IsWhiteSpace(c))
            {
                if (inToken) result.Add(current.ToString());
                current.Clear();
                inToken = false;
            }
            else { current.Append(c); inToken = true; }
        }
        if (inToken) result.Add(current.ToString());
        return result;
    }
}

using System.Text.Json.Nodes;
using Speck.FlinkStandIn.Http;
using Speck.FlinkStandIn.Jobs;
using Speck.FlinkStandIn.Savepoints;

namespace Speck.FlinkStandIn.Jars;

/// <summary>
/// <c>POST /jars/{jarid}/run</c>: resolves the program, submits the job and, like Flink's detached executor, answers
/// only once the job has left INITIALIZING, so a failed savepoint restore comes back from the call itself
/// (docs/flink-rest.md §Restoring from a bad savepoint).
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
        var run = JarRunRequest.Resolve(body, r, options);
        var program = jars.Program(r.Path("jarid"), run.EntryClass);
        if (run.Parallelism < 1)
            throw FlinkRestException.Internal(new JavaError("java.util.concurrent.CompletionException",
                "java.lang.IllegalArgumentException: The parallelism of an operator must be at least 1.",
                new JavaError("java.lang.IllegalArgumentException", "The parallelism of an operator must be at least 1.")));

        var job = jobs.Submit(new Job
        {
            Id = run.JobId ?? FlinkIds.New(), Name = "Flink Streaming Job", JarId = program.JarId, JarSha256 = program.Sha256,
            EntryClass = program.EntryClass, Args = run.Args, Parallelism = run.Parallelism,
            SavepointPath = run.SavepointPath, AllowNonRestoredState = run.AllowNonRestoredState, ClaimMode = run.ClaimMode,
            FlinkConfiguration = run.FlinkConfiguration,
            Checkpointing = CheckpointSettings.From(options.ConfiguredEntries(), run.FlinkConfiguration),
        });

        // The JobMaster restores state while the job is INITIALIZING; the run call waits for that.
        await Task.Delay(options.InitializingTime, CancellationToken.None);
        var (failure, restoredFrom, restored) = run.SavepointPath is { } path ? Restore(job, path) : (null, null, null);
        jobs.EndInitialization(job, failure, restoredFrom, restored);
        if (failure is not null)
            throw FlinkRestException.Handler(400, "Could not execute application.",
                new JavaError("java.util.concurrent.CompletionException", "org.apache.flink.util.FlinkRuntimeException: Could not execute application.",
                    new JavaError("org.apache.flink.client.program.ProgramInvocationException", "The main method caused an error: Could not start the JobMaster.",
                        new JavaError("org.apache.flink.runtime.client.JobInitializationException", "Could not start the JobMaster.", failure))));
        return FlinkResponse.Ok(new JsonObject { ["jobid"] = job.Id });
    }

    /// <summary>
    /// Reads the savepoint; state of operators the new program lacks (here: another entry class) is refused unless
    /// <c>allowNonRestoredState</c>, with Flink's message.
    /// </summary>
    private static (JavaError? Failure, string? RestoredFrom, SavepointMetadata? Restored) Restore(Job job, string savepointPath)
    {
        try
        {
            var (dir, metadata) = SavepointFiles.Read(savepointPath);
            var unmapped = metadata.OperatorIds.Except(job.OperatorIds).FirstOrDefault();
            if (unmapped is not null && !job.AllowNonRestoredState)
                return (new JavaError("java.lang.IllegalStateException",
                    $"Failed to rollback to checkpoint/savepoint {savepointPath}. Cannot map checkpoint/savepoint state for operator {unmapped} to the new program, because the operator is not available in the new program. If you want to allow to skip this, you can set the --allowNonRestoredState option on the CLI."),
                    null, null);
            return (null, "file:" + dir, metadata);
        }
        catch (SavepointException e)
        {
            return (e.Error, null, null);
        }
    }
}

using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Speck.FlinkStandIn.Control;
using Speck.FlinkStandIn.Http;
using Speck.FlinkStandIn.Jars;

namespace Speck.Tests.FlinkStandIn;

/// <summary>
/// The stand-in against Flink 1.20's OpenAPI file: every served route is documented with the same method, success
/// answers use the documented status and carry the documented fields, and request bodies accept exactly the
/// documented fields. Where Flink's wire differs from its spec, <see cref="Exceptions"/> says so and why.
/// </summary>
public sealed class OpenApiConformanceTests
{
    private static readonly OpenApiSpec Spec = OpenApiSpec.Load();

    private static WireExceptions Exceptions()
    {
        var e = new WireExceptions();
        // docs/flink-rest.md §Cluster info: @JsonInclude(NON_DEFAULT), omitted when 0.
        e.Fields[("ClusterOverviewWithVersion", "taskmanagers-blocked")] = FieldRule.MayBeAbsent;
        e.Fields[("ClusterOverviewWithVersion", "slots-free-and-blocked")] = FieldRule.MayBeAbsent;
        // docs/flink-rest.md §Where the wire differs from the spec: operation is null while IN_PROGRESS.
        e.Fields[("AsynchronousOperationResult", "operation")] = FieldRule.MayBeNull;
        // docs/flink-rest.md §Savepoints: SavepointInfo is NON_NULL, only one of location / failure-cause appears.
        e.Fields[("SavepointInfo", "location")] = FieldRule.MayBeAbsent;
        e.Fields[("SavepointInfo", "failure-cause")] = FieldRule.MayBeAbsent;
        e.Fields[("AsynchronousOperationInfo", "failure-cause")] = FieldRule.MayBeAbsent;
        // docs/flink-rest.md §Jars: a manifest class has no description.
        e.Fields[("JarEntryInfo", "description")] = FieldRule.MayBeNull;
        // JobExceptionsInfo's legacy root fields are plain (nullable) properties: null while the job has no failure.
        e.Fields[("JobExceptionsInfoWithHistory", "root-exception")] = FieldRule.MayBeNull;
        e.Fields[("JobExceptionsInfoWithHistory", "timestamp")] = FieldRule.MayBeNull;
        // ExceptionInfo marks these @JsonInclude(NON_NULL): absent for job-level (not task) failures.
        foreach (var f in new[] { "taskName", "location", "endpoint", "taskManagerId" })
            e.Fields[("RootExceptionInfo", f)] = FieldRule.MayBeAbsent;
        // docs/flink-rest.md §Where the wire differs from the spec: SerializedThrowable has a custom serializer.
        e.WireShapes["SerializedThrowable"] = (node, where, problems) =>
        {
            foreach (var key in new[] { "class", "stack-trace", "serialized-throwable" })
                if (node?[key]?.GetValueKind() != JsonValueKind.String) problems.Add($"{where}: SerializedThrowable.{key} missing");
        };
        // JobExecutionResultResponseBody is NON_NULL: no result while IN_PROGRESS. JobResult has a custom serializer
        // (docs/flink-rest.md §Where the wire differs from the spec).
        e.Fields[("JobExecutionResultResponseBody", "job-execution-result")] = FieldRule.MayBeAbsent;
        e.WireShapes["JobResult"] = (node, where, problems) =>
        {
            if (node is not JsonObject o) { problems.Add($"{where}: JobResult should be an object"); return; }
            var allowed = new[] { "id", "application-status", "accumulator-results", "net-runtime", "failure-cause" };
            problems.AddRange(o.Select(kv => kv.Key).Except(allowed).Select(k => $"{where}: JobResult field '{k}' not on the wire"));
            if (!FlinkIds.TryParse((string?)o["id"], out _)) problems.Add($"{where}: JobResult.id");
            if ((string?)o["application-status"] is not ("SUCCEEDED" or "FAILED" or "CANCELED" or "UNKNOWN")) problems.Add($"{where}: JobResult.application-status");
            if (o["accumulator-results"] is not JsonObject) problems.Add($"{where}: JobResult.accumulator-results");
            if (o["net-runtime"]?.GetValueKind() != JsonValueKind.Number) problems.Add($"{where}: JobResult.net-runtime");
            if (o["failure-cause"] is { } cause) e.WireShapes["SerializedThrowable"](cause, where + ".failure-cause", problems);
        };
        // LatestCheckpoints' members are plain nullable fields: null until such a checkpoint exists.
        foreach (var f in new[] { "completed", "savepoint", "failed", "restored" })
            e.Fields[("LatestCheckpoints", f)] = FieldRule.MayBeNull;
        // Not in docs/flink-rest.md §Where the wire differs from the spec, but the same kind of gap:
        // SlotSharingGroupIDSerializer writes the id as a hex string, while the spec reflects the Java fields {bytes,
        // lowerPart, upperPart}.
        e.WireShapes["SlotSharingGroupId"] = (node, where, problems) =>
        {
            if (node?.GetValueKind() != JsonValueKind.String || !FlinkIds.TryParse(node.GetValue<string>(), out _))
                problems.Add($"{where}: SlotSharingGroupId should be a 32-hex string");
        };
        // docs/flink-rest.md §Where the wire differs from the spec: CheckpointConfigInfo.mode is lower case.
        e.WireShapes["ProcessingMode"] = (node, where, problems) =>
        {
            if ((string?)node is not ("exactly_once" or "at_least_once")) problems.Add($"{where}: ProcessingMode should be exactly_once or at_least_once");
        };
        // CheckpointStatistics.savepointFormat is NON_NULL: a periodic checkpoint has none (unverified).
        foreach (var s in new[] { "CompletedCheckpointStatistics", "FailedCheckpointStatistics", "PendingCheckpointStatistics", "CheckpointStatistics" })
            e.Fields[(s, "savepointFormat")] = FieldRule.MayBeAbsent;
        return e;
    }

    [Fact]
    public async Task Every_served_route_is_in_the_spec_with_the_same_method()
    {
        await using var c = await StandInClient.StartAsync();
        Assert.True(c.StandIn.Routes.Count >= 15);
        var missing = c.StandIn.Routes.Where(r => Spec.Operation(r.Template, r.Method) is null).ToList();
        Assert.Empty(missing);
        Assert.Null(Spec.Operation("/jobs/{jobid}", "DELETE")); // the check can fail
    }

    [Fact]
    public async Task Success_answers_use_the_documented_status_and_carry_the_documented_fields()
    {
        await using var c = await StandInClient.StartAsync();
        var answers = new List<(string Method, string Path, RestAnswer Answer)>();
        async Task<RestAnswer> Call(HttpMethod method, string path, JsonObject? body = null)
        {
            var a = await c.SendAsync(method, path, body);
            answers.Add((method.Method, path, a));
            return a;
        }
        var dir = c.TempDir();

        await Call(HttpMethod.Get, "/config");
        await Call(HttpMethod.Get, "/overview");
        var upload = await c.UploadAsync(TestJar.Build(StandInClient.EntryClass), "job.jar");
        answers.Add(("POST", "/jars/upload", upload));
        var jarId = Path.GetFileName((string)upload.Body!["filename"]!);
        await Call(HttpMethod.Get, "/jars");
        c.StandIn.FailJobs(new JobFailureRule(null, "--fail", TimeSpan.Zero));
        var job = (string)(await Call(HttpMethod.Post, $"/jars/{jarId}/run", new JsonObject { ["parallelism"] = 1 })).Body!["jobid"]!;
        var failing = (string)(await Call(HttpMethod.Post, $"/jars/{jarId}/run", new JsonObject { ["programArgsList"] = new JsonArray("--fail") })).Body!["jobid"]!;
        await c.WaitForStateAsync(job, "RUNNING");
        await c.WaitForStateAsync(failing, "FAILED");
        await Call(HttpMethod.Get, "/jobs");
        await Call(HttpMethod.Get, "/jobs/overview");
        await Call(HttpMethod.Get, $"/jobs/{job}");
        await Call(HttpMethod.Get, $"/jobs/{failing}");
        await Call(HttpMethod.Get, $"/jobs/{job}/status");
        await Call(HttpMethod.Get, $"/jobs/{job}/execution-result");
        await Call(HttpMethod.Get, $"/jobs/{failing}/execution-result");
        await Call(HttpMethod.Get, $"/jobs/{job}/exceptions");
        await Call(HttpMethod.Get, $"/jobs/{failing}/exceptions");

        var t1 = (string)(await Call(HttpMethod.Post, $"/jobs/{job}/savepoints", new JsonObject { ["target-directory"] = dir })).Body!["request-id"]!;
        await Call(HttpMethod.Get, $"/jobs/{job}/savepoints/{t1}");
        await c.WaitForSavepointAsync(job, t1);
        var sp1 = (string)(await Call(HttpMethod.Get, $"/jobs/{job}/savepoints/{t1}")).Body!["operation"]!["location"]!;
        var disposal = (string)(await Call(HttpMethod.Post, "/savepoint-disposal", new JsonObject { ["savepoint-path"] = sp1 })).Body!["request-id"]!;
        for (var i = 0; i < 400 && (string?)(await Call(HttpMethod.Get, $"/savepoint-disposal/{disposal}")).Body!["status"]!["id"] != "COMPLETED"; i++)
            await Task.Delay(25);
        c.StandIn.FailNextSavepoints(1);
        var t2 = (string)(await Call(HttpMethod.Post, $"/jobs/{job}/savepoints", new JsonObject { ["target-directory"] = dir })).Body!["request-id"]!;
        await c.WaitForSavepointAsync(job, t2);
        var failed = await Call(HttpMethod.Get, $"/jobs/{job}/savepoints/{t2}");
        Assert.NotNull(failed.Body!["operation"]!["failure-cause"]);
        var t3 = (string)(await Call(HttpMethod.Post, $"/jobs/{job}/stop", new JsonObject { ["targetDirectory"] = dir })).Body!["request-id"]!;
        await c.WaitForSavepointAsync(job, t3);
        await c.WaitForStateAsync(job, "FINISHED");
        await Call(HttpMethod.Get, $"/jobs/{job}");
        await Call(HttpMethod.Get, $"/jobs/{job}/execution-result");
        var checkpoints = (await Call(HttpMethod.Get, $"/jobs/{job}/checkpoints")).Object;
        Assert.Equal(["completed", "failed", "completed"], checkpoints["history"]!.AsArray().Select(h => (string)h!["className"]!));
        var stopLocation = (string)checkpoints["latest"]!["savepoint"]!["external_path"]!;
        var restoredJob = await c.RunAsync(jarId, new JsonObject { ["savepointPath"] = stopLocation });
        var restored = (await Call(HttpMethod.Get, $"/jobs/{restoredJob}/checkpoints")).Object;
        Assert.Equal(stopLocation, (string)restored["latest"]!["restored"]!["external_path"]!);
        await Call(HttpMethod.Get, "/overview");
        await Call(HttpMethod.Get, "/jobmanager/config");
        await Call(HttpMethod.Get, $"/jobs/{restoredJob}/checkpoints/config");
        // Periodic checkpoints and in-place rescaling: a job that checkpoints, on the adaptive scheduler.
        await using var adaptive = await StandInClient.StartAsync(new Speck.FlinkStandIn.FlinkStandInOptions { Scheduler = "adaptive", CheckpointDir = c.TempDir() });
        async Task<RestAnswer> CallAdaptive(HttpMethod method, string path, JsonObject? body = null)
        {
            var a = await adaptive.SendAsync(method, path, body);
            answers.Add((method.Method, path, a));
            return a;
        }
        var checkpointing = await adaptive.RunAsync(await adaptive.UploadJarAsync(), new JsonObject
        {
            ["flinkConfiguration"] = new JsonObject { ["execution.checkpointing.interval"] = "20ms", ["execution.checkpointing.externalized-checkpoint-retention"] = "RETAIN_ON_CANCELLATION" },
        });
        await adaptive.WaitForStateAsync(checkpointing, "RUNNING");
        for (var i = 0; i < 400 && (await adaptive.GetAsync($"/jobs/{checkpointing}/checkpoints")).Body!["latest"]!["completed"] is null; i++) await Task.Delay(25);
        await CallAdaptive(HttpMethod.Get, $"/jobs/{checkpointing}/checkpoints");
        await CallAdaptive(HttpMethod.Get, $"/jobs/{checkpointing}/checkpoints/config");
        var requirements = (await CallAdaptive(HttpMethod.Get, $"/jobs/{checkpointing}/resource-requirements")).Object;
        foreach (var (_, vertex) in requirements) vertex!["parallelism"]!["upperBound"] = 2;
        await CallAdaptive(HttpMethod.Put, $"/jobs/{checkpointing}/resource-requirements", requirements.DeepClone().AsObject());
        var other = await c.RunAsync(jarId);
        await Call(HttpMethod.Patch, $"/jobs/{other}");
        await Call(HttpMethod.Delete, $"/jars/{jarId}");

        var problems = new List<string>();
        var covered = new HashSet<string>();
        var exceptions = Exceptions();
        foreach (var (method, path, answer) in answers)
        {
            // Like Flink's router, a literal segment wins over a parameter (/jobs/overview is not /jobs/{jobid}).
            var route = c.StandIn.Routes.Where(r => r.Method == method && PathPattern.Matches(Pattern(r.Template), path.Split('?')[0]))
                .OrderBy(r => r.Template.Count(ch => ch == '{')).First();
            covered.Add($"{route.Method} {route.Template}");
            var operation = Spec.Operation(route.Template, route.Method)!;
            var status = ((int)answer.Status).ToString();
            if (!Spec.SuccessCodes(operation).Contains(status)) { problems.Add($"{method} {path}: status {status} not documented"); continue; }
            var schema = Spec.ResponseSchema(operation, status);
            if (schema is null)
            {
                if (answer.Body?.ToJsonString() != "{}") problems.Add($"{method} {path}: expected the empty body {{}}");
                continue;
            }
            problems.AddRange(Spec.Check(answer.Body, schema, exceptions).Select(p => $"{method} {route.Template}: {p}"));
        }
        Assert.Empty(problems);
        Assert.Equal(c.StandIn.Routes.Select(r => $"{r.Method} {r.Template}").Order(), covered.Order());

        var savepointInfos = answers.Where(a => a.Path.Contains("/jobs/") && a.Path.Contains("/savepoints/") && a.Answer.Body!["operation"] is JsonObject).Select(a => a.Answer.Body!["operation"]!);
        Assert.All(savepointInfos, op => Assert.Single(new[] { "location", "failure-cause" }, k => op[k] is not null));
    }

    [Fact]
    public void The_checker_finds_missing_extra_and_mistyped_fields()
    {
        var schema = Spec.ResponseSchema(Spec.Operation("/overview", "GET")!, "200")!;
        var good = JsonNode.Parse("""{"taskmanagers":1,"slots-total":4,"slots-available":4,"jobs-running":0,"jobs-finished":0,"jobs-cancelled":0,"jobs-failed":0,"flink-version":"1.20.0","flink-commit":"x"}""");
        Assert.Empty(Spec.Check(good, schema, Exceptions()));
        var bad = JsonNode.Parse("""{"taskmanagers":"1","slots-total":4,"slots-available":4,"jobs-running":0,"jobs-finished":0,"jobs-canceled":0,"jobs-failed":0,"flink-version":"1.20.0","flink-commit":"x"}""");
        var problems = Spec.Check(bad, schema, Exceptions());
        Assert.Contains(problems, p => p.Contains("taskmanagers: expected integer"));
        Assert.Contains(problems, p => p.Contains("'jobs-canceled' is not in"));
        Assert.Contains(problems, p => p.Contains("jobs-cancelled missing"));
    }

    [Fact]
    public async Task Request_bodies_accept_exactly_the_fields_the_spec_documents()
    {
        await using var c = await StandInClient.StartAsync();
        var jarId = await c.UploadJarAsync();
        var checkedFields = 0;
        foreach (var route in c.StandIn.Routes)
        {
            var operation = Spec.Operation(route.Template, route.Method)!;
            if (Spec.RequestSchema(operation) is not { } schema) continue;
            var path = route.Template.Replace("{jarid}", jarId).Replace("{jobid}", FlinkIds.New()).Replace("{triggerid}", FlinkIds.New());
            foreach (var (name, fieldSchema) in Spec.Properties(schema))
            {
                var answer = await c.SendAsync(new HttpMethod(route.Method), path, new JsonObject { [name] = Spec.Sample(fieldSchema) });
                var refused = answer.Status == HttpStatusCode.BadRequest && answer.FirstError.Contains("did not match expected format");
                Assert.False(refused, $"{route.Method} {route.Template} refused documented field {name}");
                checkedFields++;
            }
            var unknown = await c.SendAsync(new HttpMethod(route.Method), path, new JsonObject { ["notInTheSpec"] = 1 });
            Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
            Assert.Contains("did not match expected format", unknown.FirstError);
        }
        Assert.True(checkedFields >= 15, $"only {checkedFields} request fields checked");
    }

    private static string Pattern(string template) =>
        string.Join('/', template.Split('/').Select(s => s.StartsWith('{') ? "*" : s));
}

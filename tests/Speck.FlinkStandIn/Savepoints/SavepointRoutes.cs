using System.Text.Json.Nodes;
using Speck.FlinkStandIn.Http;

namespace Speck.FlinkStandIn.Savepoints;

/// <summary>
/// <c>POST /jobs/{jobid}/savepoints</c>, <c>POST /jobs/{jobid}/stop</c> and the shared status poll
/// <c>GET /jobs/{jobid}/savepoints/{triggerid}</c> (docs/flink-rest.md §Savepoints). A missing target directory with no
/// cluster default is the only synchronous error; everything else shows when polling.
/// </summary>
internal static class SavepointRoutes
{
    private static readonly Dictionary<string, FieldKind> TriggerFields = new()
    {
        ["target-directory"] = FieldKind.String, ["cancel-job"] = FieldKind.Bool, ["formatType"] = FieldKind.FormatType, ["triggerId"] = FieldKind.Hex32,
    };

    private static readonly Dictionary<string, FieldKind> StopFields = new()
    {
        ["targetDirectory"] = FieldKind.String, ["drain"] = FieldKind.Bool, ["formatType"] = FieldKind.FormatType, ["triggerId"] = FieldKind.Hex32,
    };

    private static readonly Dictionary<string, FieldKind> DisposalFields = new() { ["savepoint-path"] = FieldKind.String };

    public static void Map(Router router, SavepointOperations operations, SavepointDisposals disposals, FlinkStandInOptions options)
    {
        router.Add("POST", "/jobs/{jobid}/savepoints", async r =>
        {
            var body = await StrictBody.ReadAsync(r.Http.Request, "SavepointTriggerRequestBody", TriggerFields, r.Aborted);
            var dir = TargetDirectory(body.String("target-directory"), "target-directory", options);
            var after = body.Bool("cancel-job") == true ? AfterSavepoint.Cancel : AfterSavepoint.KeepRunning;
            return Triggered(operations.Trigger(r.Path("jobid"), TriggerId(body), dir, after));
        });
        router.Add("POST", "/jobs/{jobid}/stop", async r =>
        {
            var body = await StrictBody.ReadAsync(r.Http.Request, "StopWithSavepointRequestBody", StopFields, r.Aborted);
            var dir = TargetDirectory(body.String("targetDirectory"), "targetDirectory", options);
            return Triggered(operations.Trigger(r.Path("jobid"), TriggerId(body), dir, AfterSavepoint.Stop));
        });
        router.Add("GET", "/jobs/{jobid}/savepoints/{triggerid}", r =>
            FlinkResponse.Ok(operations.Status(r.Path("jobid"), r.Path("triggerid"))));
        // Disposal answers 200, not 202, with a fresh trigger id (docs/flink-rest.md §Savepoints).
        router.Add("POST", "/savepoint-disposal", async r =>
        {
            var body = await StrictBody.ReadAsync(r.Http.Request, "SavepointDisposalRequest", DisposalFields, r.Aborted);
            var path = body.String("savepoint-path") ?? throw FlinkRestException.BadBody("SavepointDisposalRequest");
            return FlinkResponse.Ok(new JsonObject { ["request-id"] = disposals.Trigger(path) });
        });
        router.Add("GET", "/savepoint-disposal/{triggerid}", r => FlinkResponse.Ok(disposals.Status(r.Path("triggerid"))));
    }

    private static string TargetDirectory(string? requested, string property, FlinkStandInOptions options) =>
        requested ?? options.SavepointDir ?? throw FlinkRestException.Handler(400,
            $"Config key [{options.SavepointDirKey}] is not set. Property [{property}] must be provided.");

    private static string? TriggerId(StrictBody body) => FlinkIds.TryParse(body.String("triggerId"), out var id) ? id : null;

    private static FlinkResponse Triggered(string triggerId) => FlinkResponse.Accepted(new JsonObject { ["request-id"] = triggerId });
}

using System.Text.Json.Nodes;
using Grpc.Core;
using Speck.Harness.State;

namespace Speck.Harness.Deployment;

/// <summary>
/// The <c>import:</c> option as the engine runs it since v3.174 (docs/pulumi-engine.md §Import): an import step Reads
/// the resource by id alone and records what Read returned (inputs and outputs) as the resource's state; then the
/// resource goes on as one already in the state: Check (olds = Read's inputs), Diff, and an Update when they differ.
/// A replacement of a resource that still names an import id is an error (a warning in preview).
/// </summary>
internal sealed partial class ResourceSteps
{
    private async Task<(ResourceStep, JsonObject, string)> ImportAsync(string importId)
    {
        var step = Step(StepKind.Import);
        // The plan has no diff for an import, only its goal; its input diff is filled in after Check (step_generator.go:1120-1126, 1363-1373).
        PlanOps(step, Ops.Import);
        // ImportStep.Apply (pkg/resource/deploy/step.go:2037-2074 (pulumi v3.259.0)): Read with the id only.
        ReadResult read;
        IReadOnlyList<string> initErrors = [];
        // An import in an update is a pending "importing" operation while its Read runs (doImport, pkg/backend/snapshot.go:636-646).
        var op = preview ? null : state.BeginOperation(NewState(importId, news, new JsonObject()), PendingOperationTypes.Importing);
        try
        {
            read = await calls.ReadAsync(urn, r.Type, importId, null, null);
        }
        catch (RpcException e) when (ProviderError.From(e) is { IsInitFailure: true } init && !calls.Terminated)
        {
            // An init failure still imports the resource, with its errors (step.go:2050-2056).
            read = new ReadResult(init.InitId!, init.InitProperties, init.InitInputs);
            initErrors = init.InitReasons;
        }
        catch (RpcException e)
        {
            if (calls.Terminated) throw calls.Termination(e);
            if (op is not null) state.EndOperation(op);
            throw;
        }
        if (op is not null) state.EndOperation(op);
        if (read.Outputs is null) throw Failure($"resource '{importId}' does not exist", step);
        if (read.Inputs is null)
            throw Failure($"provider does not support importing resources; please try updating the '{Urns.Package(r.Type)}' plugin", step);
        // Read returns no resource at all as an empty id with no properties (rpc ReadResponse); an empty id with
        // properties keeps the import id (step.go:2070-2074).
        var id = read.Id.Length > 0 ? read.Id : importId;
        var imported = NewState(id, read.Inputs, read.Outputs, initErrors);
        // The import step's own outcome goes to the state in an update (snapshot.go doImport); a preview records nothing.
        if (!preview) state.Add(imported);
        return await ExistingAsync(imported, preview ? null : imported, imported: true);
    }

    /// <summary>
    /// step_generator.go:1976-1999 (pulumi v3.259.0): a replacement would change the id the program names, so an
    /// update refuses it; a preview warns and shows the replacement.
    /// </summary>
    private void RefuseImportReplacement(ResourceState old, List<PropertyChange> changes, ResourceStep step)
    {
        static string Show(JsonNode? v) => v is null ? "null" : Protocol.Sig.ContainsSecret(v) ? "[secret]" : v.ToJsonString();
        var keys = changes.Where(c => c.IsReplace).Select(c => c.Path.Split('.', '[')[0]).Distinct();
        var lines = keys.Select(k => $"{k}: {Show(old.Inputs[k])} => {Show(news[k])}");
        var message = "previously-imported resources that still specify an ID may not be replaced; " +
            "please remove the `import` declaration from your program;\n" + string.Join("\n", lines);
        if (!preview) throw Failure(message, step);
        Warn?.Invoke($"{urn}: {message}");
    }
}

/// <summary>A preview records into the plan; an update held to it checks against it.</summary>
internal sealed class PlanGate(DeploymentPlan plan, bool checking)
{
    public DeploymentPlan Plan => plan;
    public bool Checking => checking;

    public string? Goal(string urn, JsonObject? oldInputs, JsonObject inputs, PlanGoal goal, ResourceState? inState)
    {
        if (checking) return plan.CheckGoal(urn, oldInputs, inputs, goal, inState);
        plan.RecordGoal(urn, goal);
        return null;
    }

    public string? Op(string urn, string op)
    {
        if (checking) return plan.TakeOp(urn, op);
        plan.RecordOp(urn, op);
        return null;
    }
}

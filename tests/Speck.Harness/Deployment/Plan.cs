using System.Text.Json.Nodes;
using Speck.Harness.Program;
using Speck.Harness.Protocol;
using Speck.Harness.State;

namespace Speck.Harness.Deployment;

/// <summary>The step operations as the engine names them in a plan (pkg/resource/deploy/step.go:2236-2252 (pulumi v3.259.0)).</summary>
public static class Ops
{
    public const string Same = "same", Create = "create", Update = "update", Delete = "delete", Replace = "replace",
        CreateReplacement = "create-replacement", DeleteReplaced = "delete-replaced", Import = "import";

    /// <summary>ConstrainedTo (step.go:2404-2418): which operation an update may do where the plan says <paramref name="constraint"/>.</summary>
    public static bool ConstrainedTo(string op, string constraint) => constraint switch
    {
        Create => op is Same or Create,
        Update => op is Same or Update,
        Replace or CreateReplacement or DeleteReplaced => op is Same or Update || op == constraint,
        _ => op == constraint,
    };
}

/// <summary>A property diff a plan allows (PlanDiff, pkg/resource/deploy/plan.go:85-90, 167-190).</summary>
public sealed record PlanDiff(IReadOnlyDictionary<string, JsonNode> Adds, IReadOnlyList<string> Deletes, IReadOnlyDictionary<string, JsonNode?> Updates)
{
    public static readonly PlanDiff Empty = new(new Dictionary<string, JsonNode>(), [], new Dictionary<string, JsonNode?>());

    /// <summary>oldInputs.Diff(inputs) (step_generator.go:1358-1361): for a resource created, every input is an add.</summary>
    public static PlanDiff Of(JsonObject? olds, JsonObject news)
    {
        var d = EngineDiff.Of(olds ?? new JsonObject(), news);
        return new PlanDiff(d.Adds, d.Deletes.Keys.ToList(), d.Updates);
    }
}

/// <summary>The goal a preview recorded for a resource (GoalPlan, plan.go:132-165), as far as Pulumi YAML can set it.</summary>
public sealed record PlanGoal(PlanDiff InputDiff, bool Protect, IReadOnlyList<string> Dependencies, string Provider, bool? DeleteBeforeReplace,
    string? ImportId, CustomTimeouts Timeouts, IReadOnlyList<string> IgnoreChanges);

public sealed class ResourcePlan
{
    public PlanGoal? Goal { get; set; }
    public List<string> Ops { get; } = [];
}

/// <summary>
/// What a preview showed, held against the update that follows, as <c>pulumi up --plan</c> does
/// (docs/pulumi-engine.md §Plans): each resource's goal is checked after its Check (checkGoal, plan.go:539-669), each step
/// against the next operation the preview recorded (step_generator.go:434-455, 2470-2492), the stack outputs against
/// their planned diff (checkOutputs, plan.go:529-537; step_executor.go:270-279), and every planned operation must have
/// happened (deployment_executor.go:365-397). Unknowns in the preview match anything (DeepEqualsIncludeUnknowns).
/// </summary>
public sealed class DeploymentPlan
{
    private readonly Lock _lock = new();
    public Dictionary<string, ResourcePlan> Resources { get; } = new(StringComparer.Ordinal);
    public PlanDiff? OutputDiff { get; set; }

    private ResourcePlan For(string urn)
    {
        lock (_lock)
        {
            if (!Resources.TryGetValue(urn, out var p)) Resources[urn] = p = new ResourcePlan();
            return p;
        }
    }

    public void RecordGoal(string urn, PlanGoal goal) => For(urn).Goal = goal;

    public void RecordOp(string urn, string op)
    {
        var p = For(urn);
        lock (_lock) p.Ops.Add(op);
    }

    /// <summary>The error for a step the plan does not allow, or null (step_generator.go:436-455).</summary>
    public string? TakeOp(string urn, string op)
    {
        lock (_lock)
        {
            if (!Resources.TryGetValue(urn, out var p))
                return Ops.ConstrainedTo(op, Ops.Same) ? null : $"{op} is not allowed by the plan: no steps were expected for this resource";
            if (p.Ops.Count == 0) return $"{op} is not allowed by the plan: no more steps were expected for this resource";
            var constraint = p.Ops[0];
            p.Ops.RemoveAt(0);
            return Ops.ConstrainedTo(op, constraint) ? null : $"{op} is not allowed by the plan: this resource is constrained to {constraint}";
        }
    }

    /// <summary>
    /// checkGoal (plan.go:539-669) for a resource with a plan, checkMissingPlan (:344-371) for one without that is in the
    /// state: "resource &lt;urn&gt; violates plan: …" (step_generator.go:1383-1398), or null.
    /// </summary>
    public string? CheckGoal(string urn, JsonObject? oldInputs, JsonObject inputs, PlanGoal program, ResourceState? old)
    {
        PlanGoal? planned;
        lock (_lock) planned = Resources.TryGetValue(urn, out var p) ? p.Goal : null;
        if (planned is null)
        {
            if (old is null) return null;
            planned = new PlanGoal(PlanDiff.Empty, old.Protect, old.Dependencies, old.Provider ?? "", null, null, program.Timeouts, program.IgnoreChanges);
            oldInputs = old.Inputs;
        }
        var error = Goal(planned, program) ?? CheckDiff(oldInputs ?? new JsonObject(), inputs, planned.InputDiff);
        return error is null ? null : $"resource {urn} violates plan: {error}";
    }

    private static string? Goal(PlanGoal plan, PlanGoal program)
    {
        if (plan.Provider != program.Provider)
        {
            // A provider whose id the preview did not know matches the same provider with any id (plan.go:568-583).
            var (pu, pid) = Split(plan.Provider);
            if (pu != Split(program.Provider).Urn || pid != Sig.Unknown) return $"provider changed (expected {plan.Provider})";
        }
        if (plan.Protect != program.Protect) return $"protect changed (expected {plan.Protect})";
        if (plan.DeleteBeforeReplace != program.DeleteBeforeReplace)
            return $"deleteBeforeReplace changed (expected {plan.DeleteBeforeReplace?.ToString().ToLowerInvariant() ?? "no value"})";
        if (plan.ImportId != program.ImportId && (plan.ImportId ?? "") != (program.ImportId ?? "")) return $"importID changed (expected {plan.ImportId})";
        if (plan.Timeouts != program.Timeouts) return "custom timeouts changed";
        if (!plan.IgnoreChanges.Order().SequenceEqual(program.IgnoreChanges.Order())) return "ignoreChanges changed";
        if (!plan.Dependencies.Order().SequenceEqual(program.Dependencies.Order())) return "dependencies changed";
        return null;
    }

    private static (string Urn, string Id) Split(string reference)
    {
        var i = reference.LastIndexOf("::", StringComparison.Ordinal);
        return i < 0 ? (reference, "") : (reference[..i], reference[(i + 2)..]);
    }

    /// <summary>checkDiff (plan.go:373-527): the update's input changes must be the ones the plan recorded.</summary>
    public static string? CheckDiff(JsonObject olds, JsonObject news, PlanDiff plan)
    {
        var changes = new List<string>();
        var diff = EngineDiff.Of(olds, news, includeUnknowns: true);
        string Error(string key, string actual, JsonNode? actualValue)
        {
            var (expected, expectedValue) = plan.Adds.TryGetValue(key, out var a) ? ("+", a) : plan.Updates.TryGetValue(key, out var u) ? ("~", u)
                : plan.Deletes.Contains(key) ? ("-", null) : ("=", (JsonNode?)null);
            var detail = (actualValue, expectedValue) switch
            {
                ({ } x, { } y) => $"[{y.ToJsonString()}!={x.ToJsonString()}]",
                ({ } x, null) => $"[{x.ToJsonString()}]",
                (null, { } y) => $"[{y.ToJsonString()}]",
                _ => "",
            };
            return expected + actual + key + detail;
        }
        bool Eq(JsonNode? x, JsonNode? y) => EngineDiff.Same(x, y, unknowns: true);
        foreach (var (k, actual) in diff.Adds)
            if (!plan.Adds.TryGetValue(k, out var e) || !Eq(e, actual)) changes.Add(Error(k, "+", actual));
        foreach (var k in diff.Deletes.Keys)
            if (!plan.Deletes.Contains(k) && !(plan.Updates.TryGetValue(k, out var e) && Sig.IsUnknown(e))) changes.Add(Error(k, "-", null));
        foreach (var (k, actual) in diff.Updates)
        {
            if (plan.Updates.TryGetValue(k, out var e) || plan.Adds.TryGetValue(k, out e!)) { if (!Eq(e, actual)) changes.Add(Error(k, "~", actual)); }
            else changes.Add(Error(k, "~", actual));
        }
        foreach (var (k, expected) in plan.Adds)
            if (!diff.Adds.ContainsKey(k) && !diff.Updates.ContainsKey(k))
            {
                if (news[k] is { } actual) { if (!Eq(expected, actual)) changes.Add(Error(k, "=", actual)); }
                else if (!Sig.IsUnknown(expected)) changes.Add(Error(k, "-", null));
            }
        foreach (var (k, expected) in plan.Updates)
            if (!diff.Updates.ContainsKey(k))
            {
                if (diff.Adds.TryGetValue(k, out var added)) changes.Add(Error(k, "+", added));
                else if (news[k] is { } actual) { if (!Eq(expected, actual)) changes.Add(Error(k, "=", actual)); }
                else if (!Sig.IsUnknown(expected)) changes.Add(Error(k, "-", null));
            }
        foreach (var k in plan.Deletes)
            if (!diff.Deletes.ContainsKey(k))
            {
                if (diff.Adds.TryGetValue(k, out var x)) changes.Add(Error(k, "+", x));
                else if (diff.Updates.TryGetValue(k, out var y)) changes.Add(Error(k, "~", y));
                else if (diff.Sames.TryGetValue(k, out var z)) changes.Add(Error(k, "=", z));
            }
        if (changes.Count == 0) return null;
        changes.Sort(StringComparer.Ordinal);
        return "properties changed: " + string.Join(", ", changes);
    }

    /// <summary>The operations the preview planned that the update never did (deployment_executor.go:365-397).</summary>
    public List<string> Unfinished(IReadOnlyList<ResourceState> previous)
    {
        lock (_lock)
            return Resources.Where(kv => kv.Value.Ops.Count > 0 && !(kv.Value.Ops is [Ops.Delete] && previous.All(r => r.Urn != kv.Key)))
                .Select(kv => $"expected resource operations for {kv.Key} but none were seen").ToList();
    }
}

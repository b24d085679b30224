using System.Text.Json.Nodes;
using Speck.Harness.Deployment;
using Speck.Harness.Engine;
using Speck.Harness.Protocol;

namespace Speck.Harness;

/// <summary>Prints a result as the CLI does: one line per resource step with its diff, diagnostics, outputs, counts.</summary>
public static class Summary
{
    public static void Write(DeploymentResult r, TextWriter w)
    {
        var planning = r.Operation == Operation.Preview;
        w.WriteLine(r.Operation switch
        {
            Operation.Preview => $"Previewing update ({r.Stack}):",
            Operation.Update => $"Updating ({r.Stack}):",
            Operation.Refresh => $"Refreshing ({r.Stack}):",
            _ => $"Destroying ({r.Stack}):",
        });
        foreach (var s in r.Steps.Where(s => s.Kind != StepKind.Same || s.Drift))
            w.WriteLine($" {Symbol(s),-3} {s.Type,-24} {s.Name,-16} {Verb(s, planning, r.Operation)}{Diff(s)}");
        foreach (var s in r.Steps.Where(s => s.CheckFailures.Count > 0))
            foreach (var f in s.CheckFailures) w.WriteLine($"    error: {s.Type} ({s.Name}): invalid property {f}");
        foreach (var s in r.Steps.Where(s => s.InitErrors.Count > 0))
            w.WriteLine($"    error: {s.Name}: resource was created but is not healthy: {string.Join("; ", s.InitErrors)}");

        var byUrn = r.Logs.GroupBy(l => l.Urn).ToList();
        if (byUrn.Count > 0)
        {
            w.WriteLine("Diagnostics:");
            foreach (var g in byUrn)
            {
                w.WriteLine(g.Key.Length > 0 ? $"  {Urns.Name(g.Key)}:" : "  speck:");
                foreach (var l in g) w.WriteLine($"    {Severity(l.Severity)}: {l.Message}");
            }
        }
        foreach (var warning in r.Warnings) w.WriteLine($"warning: {warning}");
        foreach (var e in r.Errors) w.WriteLine($"error: {e}");
        if (r.Outputs.Count > 0)
        {
            w.WriteLine("Outputs:");
            foreach (var (k, v) in r.Outputs) w.WriteLine($"    {k}: {Show(v)}");
        }
        w.WriteLine("Resources: " + Counts(r, planning));
    }

    public static string LogLine(EngineLogEntry e) =>
        $"    {(e.Ephemeral ? "status" : Severity(e.Severity))}: {(e.Urn.Length > 0 ? Urns.Name(e.Urn) + ": " : "")}{e.Message}";

    public static string Severity(LogSeverityLevel s) => s.ToString().ToLowerInvariant();

    private static string Symbol(ResourceStep s) => s.Kind switch
    {
        StepKind.Create => "+",
        StepKind.Update => "~",
        StepKind.Replace => "+-",
        StepKind.Delete when s.External => s.OfReplacement ? "<<" : "<",
        StepKind.Delete => s.OfReplacement ? "--" : "-",
        StepKind.Read => s.OfReplacement ? ">>" : ">",
        StepKind.Import => "=",
        StepKind.Failed => "**",
        StepKind.Skipped => "  ",
        _ => " ",
    };

    private static string Verb(ResourceStep s, bool planning, Operation op) => (s.Kind, planning, op) switch
    {
        (StepKind.Failed, _, _) => "failed: " + s.Error,
        (StepKind.Skipped, _, _) => "skipped (a dependency failed)",
        (StepKind.Delete, _, Operation.Refresh) => "deleted (gone from the real world)",
        (StepKind.Update, _, Operation.Refresh) => "updated (drift)",
        (StepKind.Delete, _, not Operation.Refresh) when s.External => s.OfReplacement ? "discard-replaced" : "discard",
        (StepKind.Read, _, _) => s.OfReplacement ? "read-replacement" : "read",
        (StepKind.Delete, _, _) when s.OfReplacement => planning ? "delete-replaced" : "deleted original (replaced)",
        (var k, true, _) => k.ToString().ToLowerInvariant() + (s.DeleteBeforeReplace ? " (delete before replace)" : ""),
        (StepKind.Create, false, _) => "created",
        (StepKind.Update, false, _) => "updated",
        (StepKind.Replace, false, _) => "replaced" + (s.DeleteBeforeReplace ? " (delete before replace)" : ""),
        (StepKind.Delete, false, _) => "deleted",
        (StepKind.Import, false, _) => "imported",
        (var k, _, _) => k.ToString().ToLowerInvariant(),
    };

    private static string Diff(ResourceStep s) => s.Changes.Count == 0 ? "" : $" [diff: {string.Join(" ", s.Changes)}]";

    private static string Counts(DeploymentResult r, bool planning)
    {
        var steps = r.Steps.Where(s => !s.OfReplacement).ToList();
        var parts = new List<string>();
        void Add(StepKind k, string plan, string done)
        {
            var n = steps.Count(s => s.Kind == k && (r.Operation != Operation.Refresh || s.Drift));
            if (n > 0) parts.Add($"{n} {(planning ? plan : done)}");
        }
        Add(StepKind.Create, "to create", "created");
        Add(StepKind.Update, "to update", "updated");
        Add(StepKind.Replace, "to replace", "replaced");
        Add(StepKind.Delete, "to delete", "deleted");
        Add(StepKind.Import, "to import", "imported");
        Add(StepKind.Failed, "failed", "failed");
        var same = steps.Count(s => s.Kind == StepKind.Same);
        if (same > 0) parts.Add($"{same} unchanged");
        return parts.Count == 0 ? "no changes" : string.Join(", ", parts);
    }

    public static string Show(JsonNode? v) => v switch
    {
        _ when Sig.IsSecret(v) => "[secret]",
        _ when Sig.IsUnknown(v) => "output<unknown>",
        _ when Sig.ContainsSecret(v) => "[secret]",
        null => "null",
        JsonValue jv when jv.TryGetValue<string>(out var s) => $"\"{s}\"",
        // Nested unknowns read as the CLI shows them, not as the engine's sentinel.
        _ => v.ToJsonString().Replace($"\"{Sig.Unknown}\"", "output<unknown>", StringComparison.Ordinal),
    };
}

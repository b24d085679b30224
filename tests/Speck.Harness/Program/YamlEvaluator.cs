using System.Text.Json.Nodes;
using Speck.Harness.Deployment;
using Speck.Harness.Protocol;

namespace Speck.Harness.Program;

/// <summary>
/// A Pulumi YAML program run as pulumi-language-yaml runs it: each resource is registered once the resources its
/// expressions and <c>dependsOn</c> name are done (all at once, in parallel), with its inputs evaluated, its
/// dependencies and, per top-level property, the resources that property's expressions refer to. The steps are the
/// <see cref="UpdateRun"/>'s, the same for a program in any language. A resource whose dependency failed is skipped.
/// A component's outputs depend on the component alone, whatever its Construct's stateDependencies: pulumi-yaml reads
/// raw outputs, which the Go SDK resolves with no dependencies but the resource (docs/pulumi-engine.md §Components).
/// </summary>
internal sealed class YamlEvaluator(YamlProgram program, JsonObject config, UpdateRun run, IReadOnlySet<string> componentTypes) : IScope
{
    private readonly Dictionary<string, TaskCompletionSource<Registered>> _results =
        program.Resources.ToDictionary(r => r.Name, _ => new TaskCompletionSource<Registered>(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Registers every resource, then evaluates the stack outputs; the caller finishes the run with them.</summary>
    public async Task<JsonObject> RunAsync()
    {
        await Task.WhenAll(program.Resources.Select(RegisterAsync));
        return run.Stopped ? new JsonObject() : EvaluateOutputs();
    }

    private string Urn(ProgramResource r) => run.UrnOf(r.Type, r.Name, null);

    private async Task RegisterAsync(ProgramResource r)
    {
        var tcs = _results[r.Name];
        var urn = Urn(r);
        try
        {
            var dependsOn = r.Options.DependsOn.SelectMany(d => Expressions.Roots(JsonValue.Create(d))).ToList();
            if (dependsOn.FirstOrDefault(d => !_results.ContainsKey(d)) is { } missing)
                throw new HarnessException($"dependsOn: '{missing}' is not a resource of the program");
            var deps = Expressions.Roots(r.Properties).Concat(dependsOn).Where(_results.ContainsKey).Distinct().ToList();
            // Resources the aliases name are waited for, not depended on (GetResourceDependencies, pkg/pulumiyaml/expr.go:36-38, pulumi-yaml v1.38.1).
            var aliasRoots = Expressions.Roots(r.Options.AliasesTemplate).Where(_results.ContainsKey).Except(deps).ToList();
            var resolved = await Task.WhenAll(deps.Concat(aliasRoots).Select(d => _results[d].Task));
            if (resolved.Any(d => !d.Ok) || run.Stopped)
            {
                tcs.SetResult(run.Skip(urn, r.Type, r.Name));
                return;
            }
            var inputs = Expressions.Evaluate(r.Properties, this, program.Directory)!.AsObject();
            string UrnOfName(string name) => Urn(program.Resources.First(x => x.Name == name));
            var propertyDependencies = r.Properties.ToDictionary(kv => kv.Key,
                kv => (IReadOnlyList<string>)Expressions.Roots(kv.Value).Where(_results.ContainsKey).Distinct().Select(UrnOfName).ToList());
            var remote = componentTypes.Contains(r.Type);
            tcs.SetResult(await run.RegisterAsync(new Registration(r.Type, r.Name, Custom: !remote, inputs)
            {
                Remote = remote,
                Dependencies = deps.Select(UrnOfName).ToList(),
                PropertyDependencies = propertyDependencies,
                Options = r.Options with { Aliases = YamlAliases.Of(Expressions.Evaluate(r.Options.AliasesTemplate, this, program.Directory)) },
            }));
        }
        catch (HarnessException e)
        {
            // A reference the program cannot evaluate fails the resource; its dependents are skipped.
            tcs.TrySetResult(run.Failed(urn, new Registration(r.Type, r.Name, true, new JsonObject()), e.Message));
        }
    }

    private JsonObject EvaluateOutputs()
    {
        var outputs = new JsonObject();
        foreach (var (k, v) in program.Outputs) outputs[k] = Expressions.Evaluate(v, this, program.Directory);
        return outputs;
    }

    public bool TryResolve(string root, out JsonNode? value, out bool complete)
    {
        if (_results.TryGetValue(root, out var tcs) && tcs.Task.IsCompletedSuccessfully)
        {
            var r = tcs.Task.Result;
            var o = r.Outputs.DeepClone().AsObject();
            o["id"] = r.Id.Length > 0 ? r.Id : Sig.Unknown;
            o["urn"] = r.Urn;
            (value, complete) = (o, r.Complete);
            return true;
        }
        if (config.TryGetPropertyValue(root, out value)) { complete = true; return true; }
        (value, complete) = (null, true);
        return false;
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Pulumirpc;
using Speck.Harness.Engine;
using Speck.Harness.Program;
using Speck.Harness.Protocol;
using Speck.Harness.State;

namespace Speck.Harness.Deployment;

/// <summary>
/// One provider process and the engine server it talks back to, with the per-process prologue of docs/pulumi-calls.md
/// §Prologue: Handshake → GetPluginInfo (in <see cref="ProviderProcess"/>), then CheckConfig → DiffConfig (when the
/// state has an old provider) → Configure for a program's provider, or straight to Configure for one loaded from state.
/// </summary>
internal sealed class ProviderSession : IAsyncDisposable
{
    public const string ProviderType = "pulumi:providers:" + StackConfig.Package;

    public required EngineLogServer Engine { get; init; }
    public required ProviderProcess Provider { get; init; }
    public required string ProviderUrn { get; init; }

    public static async Task<ProviderSession> StartAsync(StackOptions options, string project, JsonObject providerConfig,
        GrpcCallLog log, Redactor redactor, int index, CancellationToken ct)
    {
        var engine = await EngineLogServer.StartAsync(ct);
        if (options.Out is { } output)
            engine.OnLog = e => output.WriteLine(redactor.Redact(Summary.LogLine(e)));
        try
        {
            var env = new Dictionary<string, string>
            {
                ["PULUMI_PROJECT"] = project,
                ["PULUMI_STACK"] = options.Stack,
                ["PULUMI_CONFIG"] = new JsonObject(providerConfig.Select(kv =>
                    KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(Plain(kv.Value))))).ToJsonString(),
            };
            var provider = await ProviderProcess.StartAsync(options.ProviderBinary, options.ProviderFlags, engine.Address,
                options.ProgramDirectory, env, log, index, ct);
            options.ProviderStarted?.Invoke(provider.Pid);
            return new ProviderSession { Engine = engine, Provider = provider, ProviderUrn = Urns.DefaultProvider(options.Stack, project) };
        }
        catch
        {
            await engine.DisposeAsync();
            throw;
        }
    }

    private static string Plain(JsonNode? v)
    {
        var u = Sig.Unwrap(v);
        return u is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : u?.ToJsonString() ?? "";
    }

    /// <summary>The program registers the default provider: CheckConfig, DiffConfig against the old one, Configure.</summary>
    public async Task<ResourceState> ConfigureFromProgramAsync(JsonObject config, ResourceState? old, bool preview, CancellationToken ct)
    {
        var check = new CheckRequest
        {
            Urn = ProviderUrn, Name = "default", Type = ProviderType,
            Olds = Structs.ToStruct(old is null ? new JsonObject() : (JsonObject)Sig.Unwrap(old.Inputs)!),
            News = Structs.ToStruct((JsonObject)Sig.Unwrap(config)!),
        };
        var checkedConfig = await Provider.Call("CheckConfig", check, r => Provider.Client.CheckConfigAsync(r, cancellationToken: ct));
        if (checkedConfig.Failures.Count > 0)
            throw new HarnessException("provider config is invalid: " +
                string.Join("; ", checkedConfig.Failures.Select(f => $"{StackConfig.Package}:{f.Property}: {f.Reason}")));
        var inputs = Structs.ToJson(checkedConfig.Inputs);
        // Secrets the stack config marked stay secret whatever the provider returned.
        foreach (var (k, v) in config)
            if (Sig.IsSecret(v) && inputs[k] is { } iv && !Sig.IsSecret(iv)) inputs[k] = Sig.MakeSecret(iv);

        // A provider created (or replaced) in a preview has no id yet: the registry configures it with UnknownID
        // (pkg/resource/deploy/providers/registry.go:947-956 (pulumi v3.259.0); docs/pulumi-engine.md §Default provider).
        string NewId() => preview ? Sig.Unknown : Guid.NewGuid().ToString();
        var id = old?.Id ?? NewId();
        if (old is not null)
        {
            var diff = new DiffRequest
            {
                Id = old.Id, Urn = ProviderUrn, Name = "default", Type = ProviderType,
                Olds = Structs.ToStruct((JsonObject)Sig.Unwrap(old.Outputs)!),
                OldInputs = Structs.ToStruct((JsonObject)Sig.Unwrap(old.Inputs)!),
                News = Structs.ToStruct((JsonObject)Sig.Unwrap(inputs)!),
            };
            var d = await Provider.Call("DiffConfig", diff, r => Provider.Client.DiffConfigAsync(r, cancellationToken: ct));
            if (d.Replaces.Count > 0 || d.DetailedDiff.Values.Any(p => p.Kind.ToString().EndsWith("Replace", StringComparison.Ordinal)))
                id = NewId();
        }
        await ConfigureAsync(inputs, id, ct);
        return new ResourceState { Urn = ProviderUrn, Type = ProviderType, Id = id, Inputs = inputs, Outputs = inputs.DeepClone().AsObject() };
    }

    /// <summary>
    /// The package schema, as pulumi-yaml's loader fetches it to type-check the program (docs/pulumi-engine.md
    /// §YAML type check). Not in the call log: the loader's schema comes from its own plugin host and cache.
    /// </summary>
    public async Task<JsonObject> GetSchemaAsync(CancellationToken ct)
    {
        var response = await Provider.Client.GetSchemaAsync(new GetSchemaRequest(), cancellationToken: ct);
        return JsonNode.Parse(response.Schema)?.AsObject() ?? new JsonObject();
    }

    /// <summary>destroy and refresh load the provider from state without re-registering it: Configure with stored inputs.</summary>
    public Task ConfigureFromStateAsync(ResourceState provider, CancellationToken ct) =>
        ConfigureAsync(provider.Inputs, provider.Id, ct);

    private async Task ConfigureAsync(JsonObject args, string id, CancellationToken ct)
    {
        var request = new ConfigureRequest
        {
            Args = Structs.ToStruct(args),
            AcceptSecrets = true,
            AcceptResources = true,
            SendsOldInputs = true,
            SendsOldInputsToDelete = true,
            Id = id,
            Urn = ProviderUrn,
            Name = "default",
            Type = ProviderType,
        };
        // The deprecated map form still goes along: "<pkg>:config:<key>", non-strings JSON-encoded.
        foreach (var (k, v) in args)
        {
            var plain = Sig.Unwrap(v);
            request.Variables[$"{StackConfig.Package}:config:{k}"] =
                plain is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : plain?.ToJsonString(new JsonSerializerOptions()) ?? "";
        }
        await Provider.Call("Configure", request, r => Provider.Client.ConfigureAsync(r, cancellationToken: ct));
    }

    public async ValueTask DisposeAsync()
    {
        await Provider.DisposeAsync();
        await Engine.DisposeAsync();
    }
}

/// <summary>URNs as the engine builds them: <c>urn:pulumi:&lt;stack&gt;::&lt;project&gt;::&lt;type&gt;::&lt;name&gt;</c>.</summary>
public static class Urns
{
    public static string Of(string stack, string project, string type, string name) => $"urn:pulumi:{stack}::{project}::{type}::{name}";

    /// <summary>The root stack resource's type (resource.RootStackType, sdk/go/common/resource/stack.go (pulumi v3.259.0)).</summary>
    public const string RootStackType = "pulumi:pulumi:Stack";

    /// <summary>A URN's qualified type: its parents' types and its own, joined by <c>$</c> (the third <c>::</c> part).</summary>
    public static string QualifiedType(string urn)
    {
        var parts = urn.Split("::");
        return parts.Length >= 4 ? parts[2] : throw new HarnessException($"invalid URN '{urn}'");
    }

    public static string DefaultProvider(string stack, string project) => Of(stack, project, ProviderSession.ProviderType, "default");

    /// <summary>The package of a type token <c>pkg:module:Type</c>.</summary>
    public static string Package(string type) => type.Split(':')[0];

    public static string Name(string urn) => urn[(urn.LastIndexOf("::", StringComparison.Ordinal) + 2)..];
}

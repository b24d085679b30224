using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Pulumirpc;
using Speck.Host.Resources;
using Speck.Host.Schema;
using Speck.Host.Values;

namespace Speck.Host.Grpc;

/// <summary>
/// The gRPC face of a <see cref="ProviderDefinition"/>: decodes the engine's Structs, dispatches by resource
/// type, and answers every failure through one funnel (<see cref="Run{T}"/>, decoding included) with the status
/// <see cref="FailureStatus"/> gives it: malformed input is InvalidArgument naming the property (or a Check
/// failure), and Unknown/Internal are left for outcomes that are truly unknown.
/// </summary>
public sealed class ResourceProviderService(ProviderDefinition provider, EngineLog log, ProviderLifetime lifetime)
    : ResourceProvider.ResourceProviderBase
{
    private string? _schema;

    public override Task<ProviderHandshakeResponse> Handshake(ProviderHandshakeRequest request, ServerCallContext context) =>
        Run("Handshake", "", context, _ =>
        {
            ConnectEngine(request.EngineAddress);
            return Task.FromResult(new ProviderHandshakeResponse { AcceptSecrets = true, AcceptResources = true });
        });

    public override Task<Empty> Attach(PluginAttach request, ServerCallContext context) =>
        Run("Attach", "", context, _ =>
        {
            ConnectEngine(request.Address);
            return Task.FromResult(new Empty());
        });

    private void ConnectEngine(string address)
    {
        if (!log.Connect(address))
            throw ProviderException.Invalid($"engine address '{Excerpt.Of(address)}' is not host:port");
    }

    public override Task<PluginInfo> GetPluginInfo(Empty request, ServerCallContext context) =>
        Task.FromResult(new PluginInfo { Version = provider.Package.Version });

    public override Task<GetSchemaResponse> GetSchema(GetSchemaRequest request, ServerCallContext context) =>
        Task.FromResult(new GetSchemaResponse { Schema = _schema ??= SchemaGenerator.Generate(provider) });

    /// <summary>
    /// A provider definition declares resources only, so its schema has no functions and every token is unknown:
    /// InvalidArgument naming it. The engine calls this for any function of the package (resmon.Invoke,
    /// pkg/resource/deploy/source_eval.go:1065-1202 (pulumi v3.259.0); docs/pulumi-engine.md §Resource monitor).
    /// </summary>
    public override Task<InvokeResponse> Invoke(InvokeRequest request, ServerCallContext context) =>
        Run<InvokeResponse>("Invoke", "", context, _ => throw ProviderException.Invalid(
            $"unknown function '{Excerpt.Of(request.Tok)}': package '{provider.Package.Name}' has no functions"));

    public override Task<Empty> Cancel(Empty request, ServerCallContext context)
    {
        lifetime.CancelAll();
        return Task.FromResult(new Empty());
    }

    public override Task<CheckResponse> CheckConfig(CheckRequest request, ServerCallContext context) =>
        Run("CheckConfig", request.Urn, context, call =>
        {
            var (news, malformed) = StructCodec.DecodeEach(request.News);
            call.Scrubber = new SecretScrubber(news);
            return Task.FromResult(ToResponse(WithMalformed(provider.CheckConfig(news), malformed)));
        });

    public override Task<DiffResponse> DiffConfig(DiffRequest request, ServerCallContext context) =>
        Run("DiffConfig", request.Urn, context, call =>
        {
            var olds = Decode("olds", request.OldInputs is { Fields.Count: > 0 } ? request.OldInputs : request.Olds);
            var news = Decode("news", request.News);
            call.Scrubber = new SecretScrubber(olds, news);
            var detailed = PropertyDiffer.Compare(provider.ConfigShape, olds, news, request.IgnoreChanges);
            return Task.FromResult(ToResponse(new DiffOutcome(detailed.Count > 0, detailed, [], false)));
        });

    public override Task<ConfigureResponse> Configure(ConfigureRequest request, ServerCallContext context) =>
        Run("Configure", "", context, async call =>
        {
            var args = request.Args is not null ? Decode("args", request.Args) : FromVariables(request.Variables);
            call.Scrubber = new SecretScrubber(args);
            await provider.ConfigureCheckedAsync(args, context.CancellationToken);
            return new ConfigureResponse { AcceptSecrets = true, SupportsPreview = true, AcceptResources = true };
        });

    public override Task<CheckResponse> Check(CheckRequest request, ServerCallContext context) =>
        Run("Check", request.Urn, context, async call =>
        {
            var (news, malformed) = StructCodec.DecodeEach(request.News);
            // Old inputs only inform the check; ones that cannot be read are left out rather than fail it.
            var olds = StructCodec.DecodeEach(request.Olds).Map;
            var ctx = call.Resource(request.Urn, request.Name, request.Type, "", false, 0, news);
            return ToResponse(WithMalformed(await Handler(ctx).CheckAsync(ctx, olds, news), malformed));
        });

    public override Task<DiffResponse> Diff(DiffRequest request, ServerCallContext context) =>
        Run("Diff", request.Urn, context, async call =>
        {
            var (olds, oldInputs, news) = (Decode("olds", request.Olds), Decode("oldInputs", request.OldInputs), Decode("news", request.News));
            var ctx = call.Resource(request.Urn, request.Name, request.Type, request.Id, false, 0, olds, oldInputs, news);
            return ToResponse(await Handler(ctx).DiffAsync(ctx, olds, oldInputs, news, request.IgnoreChanges));
        });

    public override Task<CreateResponse> Create(CreateRequest request, ServerCallContext context) =>
        Run("Create", request.Urn, context, async call =>
        {
            call.Preview = request.Preview;
            var inputs = Decode("properties", request.Properties);
            var ctx = call.Resource(request.Urn, request.Name, request.Type, "", request.Preview, request.Timeout, inputs);
            var r = await Handler(ctx).CreateAsync(ctx, inputs);
            if (!ctx.Preview && string.IsNullOrEmpty(r.Id)) throw new InvalidOperationException("resource returned an empty ID");
            return new CreateResponse { Id = r.Id, Properties = StructCodec.Encode(r.Outputs) };
        });

    public override Task<ReadResponse> Read(ReadRequest request, ServerCallContext context) =>
        Run("Read", request.Urn, context, async call =>
        {
            var (props, inputs) = (Decode("properties", request.Properties), Decode("inputs", request.Inputs));
            var ctx = call.Resource(request.Urn, request.Name, request.Type, request.Id, false, request.Timeout, props, inputs);
            var r = await Handler(ctx).ReadAsync(ctx, props, inputs);
            return r is null
                ? new ReadResponse { Id = "" }
                : new ReadResponse { Id = r.Id, Properties = StructCodec.Encode(r.Outputs), Inputs = StructCodec.Encode(r.Inputs) };
        });

    public override Task<UpdateResponse> Update(UpdateRequest request, ServerCallContext context) =>
        Run("Update", request.Urn, context, async call =>
        {
            call.Preview = request.Preview;
            var (olds, oldInputs, news) = (Decode("olds", request.Olds), Decode("oldInputs", request.OldInputs), Decode("news", request.News));
            var ctx = call.Resource(request.Urn, request.Name, request.Type, request.Id, request.Preview, request.Timeout, olds, oldInputs, news);
            return new UpdateResponse { Properties = StructCodec.Encode(await Handler(ctx).UpdateAsync(ctx, olds, oldInputs, news)) };
        });

    public override Task<Empty> Delete(DeleteRequest request, ServerCallContext context) =>
        Run("Delete", request.Urn, context, async call =>
        {
            var (olds, oldInputs) = (Decode("properties", request.Properties), Decode("oldInputs", request.OldInputs));
            var ctx = call.Resource(request.Urn, request.Name, request.Type, request.Id, false, request.Timeout, olds, oldInputs);
            await Handler(ctx).DeleteAsync(ctx, olds, oldInputs);
            return new Empty();
        });

    /// <summary>
    /// Construct of a component the schema marks <c>isComponent</c> (ComponentConstruction): its children are
    /// registered through the monitor the request names, and go through Check, Diff and CRUD as any resource.
    /// </summary>
    public override Task<ConstructResponse> Construct(ConstructRequest request, ServerCallContext context) =>
        Run("Construct", "", context, async call =>
        {
            var inputs = Decode("inputs", request.Inputs);
            var component = provider.FindComponent(request.Type)
                ?? throw ProviderException.Invalid($"unknown component type '{Excerpt.Of(request.Type)}'");
            var ctx = call.Resource("", request.Name, request.Type, "", request.DryRun, 0, inputs);
            return await ComponentConstruction.RunAsync(component, request, inputs, ctx.Log, ctx.CancellationToken);
        });

    /// <summary>Decodes one Struct of a request; a value it cannot read is named with the request field it is in.</summary>
    private static PropertyMap Decode(string field, Struct? s)
    {
        try { return StructCodec.Decode(s); }
        catch (InvalidValueException e) { throw new InvalidValueException(e.Path, $"{e.Reason} (in the request's {field})"); }
    }

    /// <summary>Check failures for the properties that could not be decoded, in place of any other failure on them.</summary>
    private static CheckOutcome WithMalformed(CheckOutcome outcome, IReadOnlyList<InvalidValueException> malformed)
    {
        if (malformed.Count == 0) return outcome;
        var names = malformed.Select(m => DiffOutcome.TopLevel(m.Path)).ToHashSet(StringComparer.Ordinal);
        var failures = malformed.Select(m => new CheckFailureInfo(m.Path, m.Reason))
            .Concat(outcome.Failures.Where(f => !names.Contains(DiffOutcome.TopLevel(f.Property))));
        return outcome with { Failures = failures.ToList() };
    }

    private IResourceHandler Handler(ResourceContext ctx) =>
        provider.Find(ctx.Type) ?? throw ProviderException.Invalid($"unknown resource type '{Excerpt.Of(ctx.Type)}'");

    /// <summary>What one call has learned so far, for the funnel to word and scrub its failure.</summary>
    private sealed class Call(string op, string urn, EngineLog log, ProviderLifetime lifetime, ServerCallContext grpc, IEnumerable<string> configSecrets)
    {
        private SecretScrubber _scrubber = Knowing(new SecretScrubber(), configSecrets);

        /// <summary>Scrubs the call's own secrets and the provider configuration's, which are in no request.</summary>
        public SecretScrubber Scrubber { get => _scrubber; set => _scrubber = Knowing(value, configSecrets); }

        private static SecretScrubber Knowing(SecretScrubber scrubber, IEnumerable<string> secrets)
        {
            foreach (var s in secrets) scrubber.Add(s);
            return scrubber;
        }

        public bool Preview { get; set; }
        public ResourceContext? Context { get; private set; }

        public string What
        {
            get
            {
                if (Context is { } c) return $"{op} {Excerpt.Of(c.Type)} '{Excerpt.Of(c.Name)}'";
                var parsed = Urn.Parse(urn);
                return parsed.Type.Length > 0 ? $"{op} {Excerpt.Of(parsed.Type)} '{Excerpt.Of(parsed.Name)}'" : op;
            }
        }

        public ResourceContext Resource(string urn, string name, string type, string id, bool preview, double timeout, params PropertyMap[] secretsFrom)
        {
            var parsed = Urn.Parse(urn);
            var secrets = Scrubber = new SecretScrubber(secretsFrom);
            return Context = new ResourceContext
            {
                Urn = urn,
                Name = string.IsNullOrEmpty(name) ? parsed.Name : name,
                Type = string.IsNullOrEmpty(type) ? parsed.Type : type,
                Id = id,
                Preview = preview,
                Timeout = Timeout(timeout),
                Log = new ScrubbingLog(log, secrets),
                KeepSecret = secrets.Add,
                CancellationToken = lifetime.Link(grpc.CancellationToken),
            };
        }

        // CancelAfter takes at most about 24.8 days; the engine sends customTimeouts as seconds, any double.
        private static TimeSpan? Timeout(double seconds) =>
            seconds > 0 && !double.IsNaN(seconds) ? TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.FromDays(24).TotalSeconds)) : null;
    }

    private async Task<T> Run<T>(string op, string urn, ServerCallContext grpc, Func<Call, Task<T>> body)
    {
        var call = new Call(op, urn, log, lifetime, grpc, provider.ConfigurationSecrets);
        try
        {
            return await body(call);
        }
        catch (Exception e)
        {
            var cancelled = call.Context?.CancellationToken.IsCancellationRequested == true || grpc.CancellationToken.IsCancellationRequested;
            var changes = FailureStatus.Changes(op, call.Preview);
            if (e is not (RpcException or InitFailure or ProviderException or InvalidValueException or OperationCanceledException))
                await Console.Error.WriteLineAsync(call.Scrubber.Scrub($"{call.What} failed: {e}"));
            throw FailureStatus.From(e, call.What, changes, call.Scrubber, cancelled);
        }
    }

    private static PropertyMap FromVariables(IDictionary<string, string> variables) =>
        new(variables.Select(kv => KeyValuePair.Create(kv.Key[(kv.Key.LastIndexOf(':') + 1)..], PropertyValue.Of(kv.Value))));

    private static CheckResponse ToResponse(CheckOutcome o)
    {
        var r = new CheckResponse { Inputs = StructCodec.Encode(o.Inputs) };
        r.Failures.AddRange(o.Failures.Select(f => new CheckFailure { Property = Excerpt.Of(f.Property, 500), Reason = Excerpt.Of(f.Reason, 2000) }));
        return r;
    }

    private static DiffResponse ToResponse(DiffOutcome o)
    {
        var r = new DiffResponse
        {
            Changes = o.HasChanges ? DiffResponse.Types.DiffChanges.DiffSome : DiffResponse.Types.DiffChanges.DiffNone,
            HasDetailedDiff = true,
            DeleteBeforeReplace = o.DeleteBeforeReplace,
        };
        r.Replaces.AddRange(o.Replaces);
        r.Stables.AddRange(o.Stables);
        r.Diffs.AddRange(o.TopLevelDiffs);
        foreach (var (path, kind) in o.Detailed)
            r.DetailedDiff[path] = new PropertyDiff { Kind = (PropertyDiff.Types.Kind)(int)kind, InputDiff = true };
        return r;
    }
}

using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Pulumirpc;
using Speck.Host.Resources;
using Speck.Host.Schema;
using Speck.Host.Values;
using Status = Google.Rpc.Status;

namespace Speck.Host.Grpc;

/// <summary>
/// The gRPC face of a <see cref="ProviderDefinition"/>: decodes the engine's Structs, dispatches by resource
/// type, and maps outcomes to the status codes the engine reads (see docs on ErrorResourceInitFailed).
/// </summary>
public sealed class ResourceProviderService(ProviderDefinition provider, EngineLog log, ProviderLifetime lifetime)
    : ResourceProvider.ResourceProviderBase
{
    private string? _schema;

    public override Task<ProviderHandshakeResponse> Handshake(ProviderHandshakeRequest request, ServerCallContext context)
    {
        log.Connect(request.EngineAddress);
        return Task.FromResult(new ProviderHandshakeResponse { AcceptSecrets = true, AcceptResources = true });
    }

    public override Task<Empty> Attach(PluginAttach request, ServerCallContext context)
    {
        log.Connect(request.Address);
        return Task.FromResult(new Empty());
    }

    public override Task<PluginInfo> GetPluginInfo(Empty request, ServerCallContext context) =>
        Task.FromResult(new PluginInfo { Version = provider.Package.Version });

    public override Task<GetSchemaResponse> GetSchema(GetSchemaRequest request, ServerCallContext context) =>
        Task.FromResult(new GetSchemaResponse { Schema = _schema ??= SchemaGenerator.Generate(provider) });

    public override Task<Empty> Cancel(Empty request, ServerCallContext context)
    {
        lifetime.CancelAll();
        return Task.FromResult(new Empty());
    }

    public override Task<CheckResponse> CheckConfig(CheckRequest request, ServerCallContext context)
    {
        var outcome = provider.CheckConfig(StructCodec.Decode(request.News));
        return Task.FromResult(ToResponse(outcome));
    }

    public override Task<DiffResponse> DiffConfig(DiffRequest request, ServerCallContext context)
    {
        var olds = StructCodec.Decode(request.OldInputs is { Fields.Count: > 0 } ? request.OldInputs : request.Olds);
        var detailed = PropertyDiffer.Compare(provider.ConfigShape, olds, StructCodec.Decode(request.News), request.IgnoreChanges);
        return Task.FromResult(ToResponse(new DiffOutcome(detailed.Count > 0, detailed, [], false)));
    }

    public override async Task<ConfigureResponse> Configure(ConfigureRequest request, ServerCallContext context)
    {
        var args = request.Args is not null ? StructCodec.Decode(request.Args) : FromVariables(request.Variables);
        await Run("Configure", null, () => provider.ConfigureAsync(args, context.CancellationToken), new SecretScrubber(args));
        return new ConfigureResponse { AcceptSecrets = true, SupportsPreview = true, AcceptResources = true };
    }

    public override Task<CheckResponse> Check(CheckRequest request, ServerCallContext context)
    {
        var news = StructCodec.Decode(request.News);
        var ctx = Context(request.Urn, request.Name, request.Type, "", false, 0, context, out var scrubber, news);
        return Run("Check", ctx, async () => ToResponse(await Handler(ctx).CheckAsync(ctx, StructCodec.Decode(request.Olds), news)), scrubber);
    }

    public override Task<DiffResponse> Diff(DiffRequest request, ServerCallContext context)
    {
        var (olds, oldInputs, news) = (StructCodec.Decode(request.Olds), StructCodec.Decode(request.OldInputs), StructCodec.Decode(request.News));
        var ctx = Context(request.Urn, request.Name, request.Type, request.Id, false, 0, context, out var scrubber, olds, oldInputs, news);
        return Run("Diff", ctx, async () => ToResponse(await Handler(ctx).DiffAsync(ctx, olds, oldInputs, news, request.IgnoreChanges)),
            scrubber);
    }

    public override Task<CreateResponse> Create(CreateRequest request, ServerCallContext context)
    {
        var inputs = StructCodec.Decode(request.Properties);
        var ctx = Context(request.Urn, request.Name, request.Type, "", request.Preview, request.Timeout, context, out var scrubber, inputs);
        return Run("Create", ctx, async () =>
        {
            var r = await Handler(ctx).CreateAsync(ctx, inputs);
            if (!ctx.Preview && string.IsNullOrEmpty(r.Id)) throw new InvalidOperationException("resource returned an empty ID");
            return new CreateResponse { Id = r.Id, Properties = StructCodec.Encode(r.Outputs) };
        }, scrubber);
    }

    public override Task<ReadResponse> Read(ReadRequest request, ServerCallContext context)
    {
        var (props, inputs) = (StructCodec.Decode(request.Properties), StructCodec.Decode(request.Inputs));
        var ctx = Context(request.Urn, request.Name, request.Type, request.Id, false, request.Timeout, context, out var scrubber, props, inputs);
        return Run("Read", ctx, async () =>
        {
            var r = await Handler(ctx).ReadAsync(ctx, props, inputs);
            return r is null
                ? new ReadResponse { Id = "" }
                : new ReadResponse { Id = r.Id, Properties = StructCodec.Encode(r.Outputs), Inputs = StructCodec.Encode(r.Inputs) };
        }, scrubber);
    }

    public override Task<UpdateResponse> Update(UpdateRequest request, ServerCallContext context)
    {
        var (olds, oldInputs, news) = (StructCodec.Decode(request.Olds), StructCodec.Decode(request.OldInputs), StructCodec.Decode(request.News));
        var ctx = Context(request.Urn, request.Name, request.Type, request.Id, request.Preview, request.Timeout, context, out var scrubber, olds, oldInputs, news);
        return Run("Update", ctx, async () =>
            new UpdateResponse { Properties = StructCodec.Encode(await Handler(ctx).UpdateAsync(ctx, olds, oldInputs, news)) },
            scrubber);
    }

    public override Task<Empty> Delete(DeleteRequest request, ServerCallContext context)
    {
        var (olds, oldInputs) = (StructCodec.Decode(request.Properties), StructCodec.Decode(request.OldInputs));
        var ctx = Context(request.Urn, request.Name, request.Type, request.Id, false, request.Timeout, context, out var scrubber, olds, oldInputs);
        return Run("Delete", ctx, async () =>
        {
            await Handler(ctx).DeleteAsync(ctx, olds, oldInputs);
            return new Empty();
        }, scrubber);
    }

    private ResourceContext Context(string urn, string name, string type, string id, bool preview, double timeout,
        ServerCallContext call, out SecretScrubber scrubber, params PropertyMap[] secretsFrom)
    {
        var parsed = Urn.Parse(urn);
        var secrets = scrubber = new SecretScrubber(secretsFrom);
        foreach (var s in provider.ConfigurationSecrets) secrets.Add(s);
        return new ResourceContext
        {
            Urn = urn,
            Name = string.IsNullOrEmpty(name) ? parsed.Name : name,
            Type = string.IsNullOrEmpty(type) ? parsed.Type : type,
            Id = id,
            Preview = preview,
            Timeout = timeout > 0 ? TimeSpan.FromSeconds(timeout) : null,
            Log = new ScrubbingLog(log, secrets),
            KeepSecret = secrets.Add,
            CancellationToken = lifetime.Link(call.CancellationToken),
        };
    }

    private IResourceHandler Handler(ResourceContext ctx) =>
        provider.Find(ctx.Type) ?? throw new ProviderException(StatusCode.InvalidArgument, $"unknown resource type '{ctx.Type}'");

    private async Task<T> Run<T>(string op, ResourceContext? ctx, Func<Task<T>> body, SecretScrubber scrubber)
    {
        var what = ctx is null ? op : $"{op} {ctx.Type} '{ctx.Name}'";
        try
        {
            return await body();
        }
        catch (RpcException) { throw; }
        catch (InitFailure f)
        {
            var detail = new ErrorResourceInitFailed { Id = f.Id, Properties = StructCodec.Encode(f.Properties) };
            detail.Reasons.AddRange(f.Reasons.Select(scrubber.Scrub));
            if (f.Inputs is not null) detail.Inputs = StructCodec.Encode(f.Inputs);
            var status = new Status { Code = (int)StatusCode.Unknown, Message = scrubber.Scrub(f.Message), Details = { Any.Pack(detail) } };
            throw status.ToRpcException();
        }
        catch (ProviderException e)
        {
            throw new RpcException(new global::Grpc.Core.Status(e.Code, scrubber.Scrub(e.Message)));
        }
        catch (OperationCanceledException) when (ctx?.CancellationToken.IsCancellationRequested == true)
        {
            throw new RpcException(new global::Grpc.Core.Status(StatusCode.Cancelled, $"{what}: cancelled"));
        }
        catch (Exception e)
        {
            // Unexpected: for a change the outcome is unknown, which Unknown tells the engine; for a query, Internal.
            var code = op is "Create" or "Update" or "Delete" ? StatusCode.Unknown : StatusCode.Internal;
            await Console.Error.WriteLineAsync(scrubber.Scrub($"{what} failed: {e}"));
            throw new RpcException(new global::Grpc.Core.Status(code, scrubber.Scrub($"{what}: {e.Message}")));
        }
    }

    private Task Run(string op, ResourceContext? ctx, Func<Task> body, SecretScrubber scrubber) =>
        Run(op, ctx, async () => { await body(); return 0; }, scrubber);

    private static PropertyMap FromVariables(IDictionary<string, string> variables) =>
        new(variables.Select(kv => KeyValuePair.Create(kv.Key[(kv.Key.LastIndexOf(':') + 1)..], PropertyValue.Of(kv.Value))));

    private static CheckResponse ToResponse(CheckOutcome o)
    {
        var r = new CheckResponse { Inputs = StructCodec.Encode(o.Inputs) };
        r.Failures.AddRange(o.Failures.Select(f => new CheckFailure { Property = f.Property, Reason = f.Reason }));
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

using System.Buffers;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Pulumirpc;

namespace Speck.Host.Grpc;

/// <summary>
/// Binds the ResourceProvider service with request parsers that take values as deep as the engine sends them.
/// Google.Protobuf parses with a recursion limit of 100 messages, so a value nested 33 objects (or 48 lists) deep
/// fails before any handler runs; the engine's Go protobuf allows 10,000 (see docs/provider-errors.md §Nesting), and
/// Pulumi's .NET SDK ships a protobuf fork for this reason. A request over the default limit is parsed again with
/// the engine's limit on a thread with a stack large enough for it; one the engine would refuse too is refused
/// with InvalidArgument.
/// </summary>
public sealed class DeepMessages(ResourceProviderService service) : IServiceMethodProvider<ResourceProviderService>
{
    /// <summary>Go protobuf's default RecursionLimit, the engine's own.</summary>
    public const int EngineRecursionLimit = 10_000;

    // Generous for 10,000 levels of protobuf's recursive descent; reserved, not committed, so it costs little.
    private const int ParseStackBytes = 256 * 1024 * 1024;

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<ResourceProviderService> context) =>
        ResourceProvider.BindService(new Binder(context), service);

    public static Marshaller<T> Deep<T>(Marshaller<T> original) where T : class
    {
        // The generated marshallers hold no parser to reuse, and the message type's own (its Descriptor's Parser) would
        // build the whole reflection descriptor of provider.proto and its imports before the port line: measured at
        // start-up (docs/benchmarks.md §Provider start-up). An empty payload deserialized gives a fresh message instead.
        IMessage Empty() => (IMessage)original.ContextualDeserializer(new EmptyPayload());
        return new Marshaller<T>(original.ContextualSerializer, ctx => (T)Parse(ctx.PayloadAsReadOnlySequence(), Empty));
    }

    /// <summary>Parses a request with the default limit, and again with the engine's where that was too small.</summary>
    public static IMessage Parse(ReadOnlySequence<byte> payload, Func<IMessage> empty)
    {
        try
        {
            var message = empty();
            message.MergeFrom(payload);
            return message;
        }
        catch (InvalidProtocolBufferException)
        {
            // Possibly only deeper than the default limit: try again with the engine's limit, below.
        }
        var bytes = payload.ToArray();
        IMessage? parsed = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                var message = empty();
                message.MergeFrom(CodedInputStream.CreateWithLimits(new MemoryStream(bytes), int.MaxValue, EngineRecursionLimit));
                parsed = message;
            }
            catch (Exception e) { failure = e; }
        }, ParseStackBytes)
        { IsBackground = true, Name = "deep-request-parse" };
        thread.Start();
        thread.Join();
        return parsed ?? throw new RpcException(new Status(StatusCode.InvalidArgument,
            $"the request could not be read: {Excerpt.Of(failure?.Message, 300)}"));
    }

    private sealed class EmptyPayload : DeserializationContext
    {
        public override int PayloadLength => 0;
        public override byte[] PayloadAsNewBuffer() => [];
        public override ReadOnlySequence<byte> PayloadAsReadOnlySequence() => ReadOnlySequence<byte>.Empty;
    }

    private sealed class Binder(ServiceMethodProviderContext<ResourceProviderService> context) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
            context.AddUnaryMethod(Rebuild(method), [], (_, request, call) => handler!(request, call));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddServerStreamingMethod(Rebuild(method), [], (_, request, stream, call) => handler!(request, stream, call));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddClientStreamingMethod(Rebuild(method), [], (_, stream, call) => handler!(stream, call));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddDuplexStreamingMethod(Rebuild(method), [], (_, requests, responses, call) => handler!(requests, responses, call));

        private static Method<TRequest, TResponse> Rebuild<TRequest, TResponse>(Method<TRequest, TResponse> m)
            where TRequest : class where TResponse : class =>
            new(m.Type, m.ServiceName, m.Name, Deep(m.RequestMarshaller), m.ResponseMarshaller);
    }
}

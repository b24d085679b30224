using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Pulumirpc;
using Speck.Harness.Deployment;
using Speck.Harness.Program;
using Speck.Harness.Protocol;

namespace Speck.Harness.Monitor;

/// <summary>
/// The resource monitor's ReadResource and Invoke (docs/pulumi-engine.md §Resource monitor): a program's
/// <c>Resource.get</c> becomes a read step of the one planner; a function is the builtin provider's
/// (<c>pulumi:pulumi:*</c>) or is sent to the provider's Invoke, and its failure reaches the program as the engine
/// words it.
/// </summary>
internal static class ReadsAndInvokes
{
    /// <summary>resmon.ReadResource (pkg/resource/deploy/source_eval.go:1435-1559 (pulumi v3.259.0)).</summary>
    public static async Task<ReadResourceResponse> ReadAsync(MonitorSession session, ReadResourceRequest r)
    {
        // tokens.ParseTypeToken: a type is package:module:name (source_eval.go:1439-1442).
        if (r.Type.Split(':').Length != 3) throw new RpcException(new Status(StatusCode.InvalidArgument, $"invalid type token '{r.Type}'"));
        if (r.Provider.Length > 0) throw Unsupported("the provider option (only the default provider is run)");
        if (!r.Type.StartsWith(StackConfig.Package + ":", StringComparison.Ordinal))
            throw Unsupported($"resources of package '{Urns.Package(r.Type)}' (speck-engine runs only the {StackConfig.Package} provider)");
        var run = session.Run;
        if (run.Stopped) throw new RpcException(new Status(StatusCode.Unavailable, "resource monitor shut down while sending resource registration"));
        var properties = Structs.ToJson(r.Properties);
        Assets.EnsureHashes(properties, session.ProgramDirectory);
        var read = await run.ReadAsync(new ReadGoal(r.Type, r.Name, r.Id, properties)
        {
            Parent = r.Parent.Length > 0 ? r.Parent : null, Dependencies = r.Dependencies.Distinct().ToList(), Version = r.Version,
        });
        // A failed read cancels the deployment: the monitor is shut down (source_eval.go:1530-1536).
        if (!read.Ok) throw new RpcException(new Status(StatusCode.Unavailable, "resource monitor shut down while waiting on step's done channel"));
        // Unknowns kept; secrets only for a caller that accepts them (source_eval.go:1541-1553).
        var outputs = r.AcceptSecrets ? read.Outputs : Sig.Unwrap(read.Outputs)!.AsObject();
        return new ReadResourceResponse { Urn = read.Urn, Properties = Structs.ToStruct(outputs) };
    }

    private const string GetResource = "pulumi:pulumi:getResource";

    /// <summary>
    /// resmon.Invoke (source_eval.go:1065-1202): the package's provider answers, the engine's builtin one for
    /// <c>pulumi:pulumi:*</c> (builtins.go:333-355 (pulumi v3.259.0)). A provider's error reaches the program as
    /// "invocation of &lt;tok&gt; returned an error: …" with code Unknown: the engine wraps it with fmt.Errorf, which
    /// gRPC answers as Unknown (the rpcerror it wraps carries no GRPCStatus).
    /// </summary>
    public static async Task<ResourceInvokeResponse> InvokeAsync(MonitorSession session, ResourceInvokeRequest r)
    {
        var tok = r.Tok;
        if (r.Provider.Length > 0) throw Unsupported("the provider option (only the default provider is run)");
        var package = Urns.Package(tok);
        if (package == "pulumi") return Builtin(session, tok, Structs.ToJson(r.Args));
        if (package != StackConfig.Package)
            throw Unsupported($"functions of package '{package}' (speck-engine runs only the {StackConfig.Package} provider)");
        InvokeResponse answer;
        try
        {
            answer = await session.Run.InvokeAsync(tok, r.Args ?? new Struct());
        }
        catch (RpcException e)
        {
            throw Failed(tok, e.Status.Detail);
        }
        var response = new ResourceInvokeResponse { Return = answer.Return ?? new Struct() };
        response.Failures.AddRange(answer.Failures);
        return response;
    }

    private static ResourceInvokeResponse Builtin(MonitorSession session, string tok, System.Text.Json.Nodes.JsonObject args)
    {
        switch (tok)
        {
            case GetResource:
                // Registered in this deployment first, then read (builtins.go:442-468).
                var urn = args["urn"]?.GetValue<string>() ?? throw Failed(tok, "missing required property 'urn'");
                var found = session.Run.GetResource(urn) ?? throw Failed(tok, $"unknown resource {urn}");
                return new ResourceInvokeResponse { Return = Structs.ToStruct(found) };
            case "pulumi:pulumi:readStackOutputs" or "pulumi:pulumi:readStackResourceOutputs":
                // The engine asks its backend for the other stack; speck-engine has none to ask.
                throw Unsupported($"'{tok}' (stack references: speck-engine has no backend)");
            default:
                throw Failed(tok, $"unrecognized function name: '{tok}'");
        }
    }

    private static RpcException Failed(string tok, string message) =>
        new(new Status(StatusCode.Unknown, $"invocation of {tok} returned an error: {message}"));

    private static RpcException Unsupported(string what) =>
        new(new Status(StatusCode.Unimplemented, $"speck-engine does not support {what}"));
}

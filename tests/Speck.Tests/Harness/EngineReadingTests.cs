using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Speck.Harness.Deployment;
using Speck.Harness.Protocol;
using Speck.Harness.State;
using Status = Google.Rpc.Status;

namespace Speck.Tests.Harness;

/// <summary>How the harness engine reads failures and keeps state, on the same encodings the provider produces.</summary>
[Trait("Category", "Unit")]
public class EngineReadingTests
{
    [Fact]
    public void An_init_failure_detail_packed_by_the_provider_is_read_with_its_id_properties_and_reasons()
    {
        var detail = new Pulumirpc.ErrorResourceInitFailed { Id = "edge/raw", Properties = Struct.Parser.ParseJson("""{"name":"raw"}""") };
        detail.Reasons.Add("role missing");
        var status = new Status { Code = (int)StatusCode.Unknown, Message = "unhealthy", Details = { Any.Pack(detail) } };

        var read = ProviderError.From(status.ToRpcException());

        Assert.True(read.IsInitFailure);
        Assert.False(read.OutcomeUnknown);
        Assert.Equal("edge/raw", read.InitId);
        Assert.Equal("raw", read.InitProperties!["name"]!.GetValue<string>());
        Assert.Equal(["role missing"], read.InitReasons);
    }

    [Theory]
    [InlineData(StatusCode.Unknown, true)]
    [InlineData(StatusCode.Internal, true)]
    [InlineData(StatusCode.DataLoss, true)]
    [InlineData(StatusCode.Unavailable, false)]
    [InlineData(StatusCode.InvalidArgument, false)]
    [InlineData(StatusCode.FailedPrecondition, false)]
    public void Only_unknown_internal_and_data_loss_leave_the_outcome_unknown(StatusCode code, bool unknown) =>
        Assert.Equal(unknown, ProviderError.From(new RpcException(new Grpc.Core.Status(code, "x"))).OutcomeUnknown);

    [Fact]
    public void State_keeps_secrets_as_ciphertext_on_disk_and_pending_operations_across_loads()
    {
        var dir = Directory.CreateTempSubdirectory("speck-state-").FullName;
        try
        {
            var state = StateFile.Load(dir, "dev");
            var resource = new ResourceState
            {
                Urn = "urn:pulumi:dev::p::speck:index:Topic::t", Type = "speck:index:Topic", Id = "edge/t",
                Inputs = new JsonObject { ["password"] = Sig.MakeSecret(JsonValue.Create("hunter2-very-secret")) },
                Outputs = new JsonObject { ["nested"] = new JsonObject { ["password"] = Sig.MakeSecret(JsonValue.Create("hunter2-very-secret")) } },
            };
            state.Add(resource);
            state.BeginOperation(resource, "updating");

            var text = File.ReadAllText(StateFile.PathFor(dir, "dev"));
            Assert.DoesNotContain("hunter2", text);
            Assert.Contains("ciphertext", text);

            var again = StateFile.Load(dir, "dev");
            var loaded = Assert.Single(again.Resources);
            Assert.Equal("hunter2-very-secret", Sig.SecretValue(loaded.Inputs["password"]!)!.GetValue<string>());
            Assert.True(Sig.IsSecret(loaded.Outputs["nested"]!["password"]));
            var pending = Assert.Single(again.PendingOperations);
            Assert.Equal("updating", pending.Type);
            Assert.Equal(resource.Urn, pending.Resource.Urn);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

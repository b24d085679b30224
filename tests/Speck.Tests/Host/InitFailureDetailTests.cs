using Grpc.Core;
using Pulumirpc;
using Speck.Host.Grpc;
using Speck.Host.Resources;
using Speck.Host.Values;

namespace Speck.Tests.Host;

/// <summary>
/// An unhealthy resource's state travels to the engine in the status details; the engine records it. Within the
/// budget it goes whole; past it, what the engine already has is left out first, and the reasons say what was.
/// </summary>
[Trait("Category", "Unit")]
public sealed class InitFailureDetailTests
{
    private static ErrorResourceInitFailed DetailOf(InitFailure f)
    {
        var e = FailureStatus.From(f, "Create", changes: true, new SecretScrubber(), cancelled: false);
        Assert.Equal(StatusCode.Unknown, e.StatusCode);
        var status = e.GetRpcStatus()!;
        Assert.True(status.CalculateSize() < 16 << 20, $"{status.CalculateSize()} bytes");
        return status.Details.Single().Unpack<ErrorResourceInitFailed>();
    }

    private static PropertyValue S(string s) => PropertyValue.Of(s);

    [Fact]
    public void A_state_within_the_budget_goes_whole_with_its_inputs()
    {
        var inputs = new PropertyMap([new("arguments", S(new string('a', 200_000)))]);
        var detail = DetailOf(new InitFailure("j1", inputs.With("jobId", S("j1")), ["job is FAILED"], inputs));

        Assert.Equal("j1", detail.Id);
        Assert.Equal(200_000, detail.Properties.Fields["arguments"].StringValue.Length);
        Assert.Equal(200_000, detail.Inputs.Fields["arguments"].StringValue.Length);
        Assert.Equal(["job is FAILED"], detail.Reasons);
    }

    [Fact]
    public void Past_the_budget_the_inputs_and_their_repeats_go_first_and_what_the_provider_learnt_stays()
    {
        var huge = S(new string('x', FailureStatus.InitFailureDetailBudget));
        var inputs = new PropertyMap([new("arguments", huge), new("site", S("edge"))]);
        var outputs = inputs.With("jobId", S("j2")).With("state", S("FAILED"));

        var detail = DetailOf(new InitFailure("j2", outputs, ["job is FAILED"], inputs));

        Assert.Null(detail.Inputs);
        Assert.Equal(["jobId", "state"], detail.Properties.Fields.Keys.Order());
        Assert.Equal("job is FAILED", detail.Reasons[0]);
        Assert.Contains("arguments, site left out", detail.Reasons[1]);
    }

    [Fact]
    public void A_learnt_output_past_the_budget_is_left_out_by_name_and_the_rest_kept()
    {
        var outputs = new PropertyMap([new("jobId", S("j3")), new("log", S(new string('l', FailureStatus.InitFailureDetailBudget + 10)))]);

        var detail = DetailOf(new InitFailure("j3", outputs, ["no"]));

        Assert.Equal(["jobId"], detail.Properties.Fields.Keys);
        Assert.Contains("log left out", detail.Reasons[1]);
    }
}

using System.Text.Json.Nodes;
using Speck.Harness;
using Speck.Harness.Deployment;
using Speck.Harness.State;

namespace Speck.Tests.Harness;

/// <summary>
/// The engine checkpoints the whole state before and after every step; with <c>PULUMI_SKIP_CHECKPOINTS</c> it writes
/// the state once, when the operation ends, however it ends.
/// </summary>
[Collection(HarnessCollection.Name)]
public class CheckpointTests(SitesFixture sites)
{
    [Fact]
    public void Skipped_checkpoints_leave_the_file_alone_until_the_state_is_saved()
    {
        var dir = Directory.CreateTempSubdirectory("speck-checkpoints-").FullName;
        try
        {
            var state = StateFile.Load(dir, "dev");
            state.Add(new ResourceState { Urn = "urn:pulumi:dev::p::test:index:A::a", Type = "test:index:A" });
            var path = StateFile.PathFor(dir, "dev");
            Assert.Single(StateFile.Load(dir, "dev").Resources);

            state.SkipCheckpoints = true;
            var op = state.BeginOperation(new ResourceState { Urn = "urn:pulumi:dev::p::test:index:A::b", Type = "test:index:A" }, "creating");
            state.Add(op.Resource);
            state.EndOperation(op);
            Assert.Single(StateFile.Load(dir, "dev").Resources);

            state.Save();
            Assert.Equal(2, StateFile.Load(dir, "dev").Resources.Count);
            Assert.True(File.Exists(path));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Without_checkpoints_an_up_and_a_failed_up_still_end_with_their_state_written()
    {
        const string project = "checkpoint-test";
        var config = Programs.Config(project, sites, sites.Lab);
        var topic = Programs.Topic("t", Programs.Unique("ckpt/t"));
        using var dir = new ProgramDir(Programs.WithSite(project, topic), config);
        var stack = new Stack(new StackOptions
        {
            ProgramDirectory = dir.Path, Stack = dir.StackName, ProviderBinary = RepoPaths.ProviderBinary, SkipCheckpoints = true,
            Passphrase = TestStackSecrets.Passphrase,
        });
        try
        {
            var up = await stack.UpAsync();
            Assert.True(up.Succeeded, string.Join("\n", up.Errors));
            Assert.Contains(stack.LoadState().Resources, r => r.Name == "t" && r.Type == "speck:index:Topic");

            // A second topic is created while a second site fails (its broker does not answer): the update fails,
            // and the topic made on the way is recorded all the same.
            const string unreachable = "site2:\n  type: speck:index:SpeSite\n  properties:\n    tier: edge\n" +
                "    spe: { kind: nodered, url: \"${speUrl}\" }\n    broker: { kind: mqtt, url: \"mqtt://127.0.0.1:1\" }\n";
            dir.WriteProgram(Programs.WithSite(project, topic + Programs.Topic("t2", Programs.Unique("ckpt/t2")) + unreachable));
            var failed = await stack.UpAsync(skipPreview: true);
            Assert.False(failed.Succeeded);
            Assert.Equal(StepKind.Failed, failed.Step("site2").Kind);
            Assert.Equal(StepKind.Create, failed.Step("t2").Kind);
            var state = JsonNode.Parse(dir.StateText)!;
            Assert.Empty(state["pending_operations"]!.AsArray());
            Assert.Contains(stack.LoadState().Resources, r => r.Name == "t2");
            Assert.DoesNotContain(stack.LoadState().Resources, r => r.Name == "site2");
        }
        finally
        {
            await stack.DestroyAsync();
            Assert.DoesNotContain(stack.LoadState().Resources, r => r.Type == "speck:index:Topic");
        }
    }
}

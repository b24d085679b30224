using Speck.Harness.Deployment;
using Speck.Testbed.Mosquitto;

namespace Speck.Tests.Harness;

[Collection(HarnessCollection.Name)]
public class RefreshTests(SitesFixture sites)
{
    [Fact]
    public async Task A_topic_deleted_by_hand_is_dropped_by_refresh_and_created_again_by_the_next_up()
    {
        const string project = "refresh-test";
        var topic = Programs.Unique("refresh/t");
        using var dir = new ProgramDir(Programs.WithSite(project, Programs.Topic("t", topic), outputs: "pub: ${t.publishRole}\nsub: ${t.subscribeRole}"),
            Programs.Config(project, sites, sites.Lab));
        try
        {
            var up = await dir.Stack.UpAsync();
            Assert.True(up.Succeeded, string.Join("\n", up.Errors));
            await MosquittoCtrl.DynsecAsync(sites.Lab, ["deleteRole", up.Outputs["pub"]!.GetValue<string>()]);
            await MosquittoCtrl.DynsecAsync(sites.Lab, ["deleteRole", up.Outputs["sub"]!.GetValue<string>()]);

            var refresh = await dir.Stack.RefreshAsync();

            Assert.True(refresh.Succeeded, string.Join("\n", refresh.Errors));
            var gone = refresh.Step("t");
            Assert.Equal(StepKind.Delete, gone.Kind);
            Assert.True(gone.Drift);
            Assert.Equal(StepKind.Same, refresh.Step("site").Kind);
            Assert.DoesNotContain(refresh.Calls, c => c.Method == "Diff" && c.Urn!.EndsWith("::t", StringComparison.Ordinal));
            Assert.DoesNotContain(dir.Stack.LoadState().Resources, r => r.Name == "t");

            var again = await dir.Stack.UpAsync();
            Assert.True(again.Succeeded, string.Join("\n", again.Errors));
            Assert.Equal(StepKind.Create, again.Step("t").Kind);
            Assert.Contains(again.Outputs["pub"]!.GetValue<string>(), await SitesFixture.SpeckRolesAsync(sites.Lab));
        }
        finally
        {
            await dir.Stack.DestroyAsync();
        }
    }
}

using Speck.Harness;
using Speck.Harness.Deployment;
using Speck.Harness.Protocol;

namespace Speck.Tests.Harness;

/// <summary>The broker admin password, given as secure stack config, never shows in plain text anywhere the engine writes.</summary>
[Collection(HarnessCollection.Name)]
public class SecretsTests(SitesFixture sites)
{
    [Fact]
    public async Task The_admin_password_stays_secret_in_state_logs_call_log_and_provider_stderr()
    {
        const string project = "secret-test";
        var password = sites.Lab.AdminPassword!;
        using var dir = new ProgramDir(Programs.WithSite(project, Programs.Topic("t", Programs.Unique("secret/t"))),
            Programs.Config(project, sites, sites.Lab), providerFlags: ["--logtostderr", "-v=9"]);
        // The secure form of stack config, as `pulumi config set --secret` writes it (encrypted under the stack's passphrase).
        Assert.Contains($"{project}:adminPassword:\n    secure: v1:", File.ReadAllText(Path.Combine(dir.Path, "Pulumi.test.yaml")));
        try
        {
            var up = await dir.Stack.UpAsync();
            Assert.True(up.Succeeded, string.Join("\n", up.Errors));
            var again = await dir.Stack.UpAsync();
            Assert.True(again.Succeeded, string.Join("\n", again.Errors));
            Assert.Equal(2, again.Count(StepKind.Same));
            var refresh = await dir.Stack.RefreshAsync();
            Assert.True(refresh.Succeeded, string.Join("\n", refresh.Errors));

            // In memory (and so to the provider) the password is a secret wrapper; on disk only its ciphertext.
            var topic = dir.Stack.LoadState().Resources.Single(r => r.Name == "t");
            // The site is one JSON string holding the password: secret as a whole (docs/wiring.md).
            Assert.True(Sig.IsSecret(topic.Outputs["site"]));
            Assert.True(Sig.IsSecret(topic.Inputs["site"]));
            Assert.Contains(password, Sig.SecretValue(topic.Inputs["site"]!)!.GetValue<string>());
            Assert.Contains("ciphertext", dir.StateText);
            Assert.DoesNotContain(password, dir.StateText);

            foreach (var r in new[] { up.Preview!, up, again.Preview!, again, refresh })
            {
                Assert.DoesNotContain(password, r.ProviderStderr);
                Assert.DoesNotContain(r.Logs, l => l.Message.Contains(password, StringComparison.Ordinal));
                var printed = new StringWriter();
                Summary.Write(r, printed);
                Assert.DoesNotContain(password, printed.ToString());
            }
            Assert.DoesNotContain(password, File.ReadAllText(dir.GrpcLog));
            Assert.Contains(up.Calls, c => c.Method == "Create" && c.Request.ToJsonString().Contains(Sig.Secret));
        }
        finally
        {
            await dir.Stack.DestroyAsync();
        }
        Assert.DoesNotContain(password, dir.StateText);
    }
}

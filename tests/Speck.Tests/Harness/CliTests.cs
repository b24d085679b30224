using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Speck.Tests.Harness;

/// <summary>The speck-engine command line: CLI-like output, exit codes, and the PULUMI_DEBUG_GRPC-style call log.</summary>
[Collection(HarnessCollection.Name)]
public class CliTests(SitesFixture sites)
{
    private static async Task<(int Exit, string Output)> EngineAsync(string dir, params string[] args)
    {
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "speck-engine"))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in args.Concat(["--cwd", dir, "--stack", "test", "--provider", RepoPaths.ProviderBinary])) psi.ArgumentList.Add(a);
        psi.Environment.Remove("PULUMI_DEBUG_GRPC");
        psi.Environment["PULUMI_CONFIG_PASSPHRASE"] = TestStackSecrets.Passphrase; // as a user of the CLI sets it
        using var p = Process.Start(psi)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var (stdout, stderr) = (p.StandardOutput.ReadToEndAsync(timeout.Token), p.StandardError.ReadToEndAsync(timeout.Token));
        await p.WaitForExitAsync(timeout.Token);
        return (p.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task Up_prints_steps_and_counts_and_a_check_failure_exits_non_zero()
    {
        const string project = "cli-test";
        var topic = Programs.Unique("cli/t");
        using var dir = new ProgramDir(Programs.WithSite(project, Programs.Topic("t", topic), outputs: "role: ${t.publishRole}"),
            Programs.Config(project, sites, sites.Lab));
        var log = Path.Combine(dir.Path, "calls.jsonl");
        try
        {
            var (exit, output) = await EngineAsync(dir.Path, "up", "--yes", "--grpc-log", log);
            Assert.True(exit == 0, output);
            Assert.Contains("Previewing update (test):", output);
            Assert.Matches(@"\+\s+speck:index:Topic\s+t\s+created", output);
            Assert.Contains("Resources: 2 to create", output);
            Assert.Contains("Resources: 2 created", output);
            Assert.Matches(@"role: ""speck-pub-", output);
            Assert.DoesNotContain(sites.Lab.AdminPassword!, output);

            var lines = File.ReadAllLines(log).Select(l => JsonNode.Parse(l)!).ToList();
            Assert.All(lines, l => Assert.StartsWith("/pulumirpc.ResourceProvider/", l["method"]!.GetValue<string>()));
            var completed = lines.Where(l => l["progress"]!.GetValue<string>() == "response_completed").ToList();
            Assert.Equal(lines.Count, 2 * completed.Count);
            Assert.Equal("/pulumirpc.ResourceProvider/Handshake", completed[0]["method"]!.GetValue<string>());
            Assert.All(completed, l => Assert.True(l["response"] is not null || l["errors"] is not null));
            Assert.Contains(completed, l => l["request"]!["preview"]?.GetValue<bool>() == true);

            File.WriteAllText(Path.Combine(dir.Path, "Pulumi.yaml"), Programs.WithSite(project, Programs.Topic("t", "cli/#")));
            var (failed, failure) = await EngineAsync(dir.Path, "up", "--yes");
            Assert.Equal(1, failed);
            Assert.Contains("invalid property name", failure);
        }
        finally
        {
            var (destroyed, output) = await EngineAsync(dir.Path, "destroy", "--yes");
            Assert.True(destroyed == 0, output);
            Assert.Contains("Resources: 2 deleted", output);
        }
    }

    [Fact]
    public async Task Refresh_refuses_both_skipping_and_clearing_pending_creates_as_the_cli_does()
    {
        using var dir = new ProgramDir(Programs.WithSite("cli-flags", ""), Programs.Config("cli-flags", sites, sites.Lab));

        var (exit, output) = await EngineAsync(dir.Path, "refresh", "--yes", "--skip-pending-creates", "--clear-pending-creates");

        Assert.Equal(2, exit);
        Assert.Contains("cannot set both --skip-pending-creates and --clear-pending-creates", output);
    }
}

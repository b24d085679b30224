using System.Diagnostics;

namespace Speck.Tests.Harness;

/// <summary>
/// tests/wire/fuzz.js sends seeded malformed requests to every RPC of the built provider through @pulumi/pulumi's
/// own gRPC client, and fails on a crash, a hang, an UNKNOWN or INTERNAL answer, a Check failure naming no property,
/// an unbounded message or a dead connection. Here a small budget runs; <c>make fuzz</c> runs 10,000.
/// </summary>
public class WireFuzzTests
{
    [Fact]
    public async Task Malformed_requests_to_every_RPC_get_a_clear_answer()
    {
        var wire = Path.Combine(RepoPaths.Root, "tests", "wire");
        Assert.True(Directory.Exists(Path.Combine(wire, "node_modules", "@pulumi", "pulumi")),
            "tests/wire/node_modules is missing: run 'npm ci --prefix tests/wire' (make test does)");
        // A fixed seed, so a failure here replays (FUZZ_ONLY=<i> node fuzz.js ...); 400 requests or 25 seconds.
        var psi = new ProcessStartInfo("node") { WorkingDirectory = wire, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--stack-size=6000", "fuzz.js", RepoPaths.ProviderBinary, "11", "400", "25" }) psi.ArgumentList.Add(a);
        using var node = Process.Start(psi)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var stdout = node.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = node.StandardError.ReadToEndAsync(timeout.Token);
        await node.WaitForExitAsync(timeout.Token);
        var output = await stdout + await stderr;

        Assert.True(node.ExitCode == 0, output);
        Assert.Matches(@"(?m)^[1-9][0-9]* requests, 0 failures$", output);
    }
}

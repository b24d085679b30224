using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Speck.Tests.Harness;

/// <summary>
/// tests/wire/conformance.js drives the built provider with the gRPC stubs @pulumi/pulumi 3.270.0 generates from
/// Pulumi's own .proto files, against a real Mosquitto with dynsec and a real Node-RED.
/// </summary>
[Collection(HarnessCollection.Name)]
public class WireConformanceTests(SitesFixture sites)
{
    [Fact]
    public async Task The_provider_passes_wire_conformance_with_Pulumis_own_stubs()
    {
        var wire = Path.Combine(RepoPaths.Root, "tests", "wire");
        Assert.True(Directory.Exists(Path.Combine(wire, "node_modules", "@pulumi", "pulumi")),
            "tests/wire/node_modules is missing: run 'npm ci --prefix tests/wire' (make test does)");
        var fixture = Path.Combine(Path.GetTempPath(), $"speck-wire-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(fixture, new JsonObject
        {
            ["version"] = Speck.Provider.SpeckProvider.Version,
            ["speKind"] = "nodered",
            ["speUrl"] = sites.Engine.Url,
            ["brokerUrl"] = sites.Lab.Url,
            ["adminUsername"] = sites.Lab.AdminUser,
            ["adminPassword"] = sites.Lab.AdminPassword,
            ["topic"] = $"wire/{Guid.NewGuid():N}"[..16],
        }.ToJsonString());
        try
        {
            var psi = new ProcessStartInfo("node") { WorkingDirectory = wire, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "conformance.js", RepoPaths.ProviderBinary, fixture }) psi.ArgumentList.Add(a);
            using var node = Process.Start(psi)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            var stdout = node.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = node.StandardError.ReadToEndAsync(timeout.Token);
            await node.WaitForExitAsync(timeout.Token);
            var output = await stdout + await stderr;

            Assert.True(node.ExitCode == 0, output);
            Assert.Matches(@"(?m)^[1-9][0-9]* passed, 0 failed$", output);
            foreach (var covered in new[] { "GetPluginInfo", "GetSchema", "CheckConfig", "Configure", "Check names the failing property",
                         "Diff", "Create in preview", "Create probes", "Read", "Update", "Delete",
                         "a fresh provider imports it with only the ID" })
                Assert.Contains(covered, output);
            Assert.DoesNotContain(sites.Lab.AdminPassword!, output);
        }
        finally
        {
            File.Delete(fixture);
        }
    }
}

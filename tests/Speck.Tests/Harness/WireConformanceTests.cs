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
        // A Flink stand-in for the StreamJob steps: two builds of one jar, the second run with `--broken` fails.
        await using var flink = new Speck.FlinkStandIn.FlinkStandIn();
        await flink.StartAsync();
        flink.FailJobs(new Speck.FlinkStandIn.Control.JobFailureRule(null, "--broken", TimeSpan.Zero));
        var jobs = Directory.CreateTempSubdirectory("speck-wire-jobs-").FullName;
        const string entryClass = "org.speck.wire.Filter";
        File.WriteAllBytes(Path.Combine(jobs, "v1.jar"), Speck.FlinkStandIn.Jars.TestJar.Build(entryClass));
        File.WriteAllBytes(Path.Combine(jobs, "v2.jar"), Speck.FlinkStandIn.Jars.TestJar.Build(entryClass));
        using (var zip = System.IO.Compression.ZipFile.Open(Path.Combine(jobs, "v2.jar"), System.IO.Compression.ZipArchiveMode.Update))
        using (var note = new StreamWriter(zip.CreateEntry("build.txt").Open()))
            note.Write("build 2"); // another build of the same program: other content, same operators
        Directory.CreateDirectory(Path.Combine(jobs, "savepoints"));
        await File.WriteAllTextAsync(fixture, new JsonObject
        {
            ["flinkUrl"] = flink.BaseUrl,
            ["jobJarV1"] = Path.Combine(jobs, "v1.jar"),
            ["jobJarV2"] = Path.Combine(jobs, "v2.jar"),
            ["entryClass"] = entryClass,
            ["savepointDir"] = Path.Combine(jobs, "savepoints"),
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
                         "a fresh provider imports it with only the ID",
                         "StreamJob: an upgrade whose new version fails, sent with elided old assets" })
                Assert.Contains(covered, output);
            Assert.DoesNotContain(sites.Lab.AdminPassword!, output);
        }
        finally
        {
            File.Delete(fixture);
            Directory.Delete(jobs, recursive: true);
        }
    }
}

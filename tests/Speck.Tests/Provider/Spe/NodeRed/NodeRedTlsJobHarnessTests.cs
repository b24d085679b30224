using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using MQTTnet;
using Speck.Harness.Deployment;
using Speck.Provider;
using Speck.Provider.Brokers;
using Speck.Provider.Brokers.Mqtt;
using Speck.Provider.Brokers.Mqtt.Dynsec;
using Speck.Provider.Model;
using Speck.Provider.Spe.NodeRed;
using Speck.Testbed.Mosquitto;
using Speck.Tests.Harness;
using Speck.Tests.Provider.Brokers.Mqtt;

namespace Speck.Tests.Provider.Spe.NodeRed;

/// <summary>
/// A Node-RED StreamJob on a broker reached only over TLS (<c>mqtts://</c>, a private CA given as <c>caCert</c>),
/// through the engine harness: the site, its topics and the job's own dynamic-security login all go over TLS, and
/// the real Node-RED gets the CA as its <c>tls-config</c> node's <c>cadata</c> credential.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class NodeRedTlsJobHarnessTests(SitesFixture sites)
{
    private const string Project = "tlsjob";
    private const string Upper = "msg.payload = String(msg.payload).toUpperCase(); return msg;";

    private static string Program(string jobLines, string extraResources = "") => $$"""
        name: {{Project}}
        runtime: yaml
        config:
          speUrl: { type: string }
          brokerUrl: { type: string }
          adminPassword: { type: string, secret: true, default: "" }
          caCert: { type: string }
          otherCaCert: { type: string, default: "" }
          inTopic: { type: string }
          outTopic: { type: string }
        resources:
          site:
            type: speck:index:SpeSite
            properties:
              tier: edge
              spe: { kind: nodered, url: "${speUrl}" }
              broker:
        {{extraResources}}
          job:
            type: speck:index:StreamJob
            properties:
              site: ${site.connection}
              nodeRed: { function: "{{Upper}}" }
        {{jobLines}}
        outputs:
          jobId: ${job.jobId}
          state: ${job.state}
        """;

    /// <summary>The site's broker lines (indented under <c>broker:</c>) and the job's topics as Topic resources.</summary>
    private static string DynsecSite(string brokerLines) => brokerLines + """

                kind: mqtt
                url: "${brokerUrl}"
                caCert: "${caCert}"
                adminUsername: admin
                adminPassword: { fn::secret: "${adminPassword}" }
          in: { type: speck:index:Topic, properties: { site: "${site.connection}", name: "${inTopic}" } }
          out: { type: speck:index:Topic, properties: { site: "${site.connection}", name: "${outTopic}" } }
        """;

    /// <summary>Stack config; the PEMs as they are (the writer escapes their line breaks).</summary>
    private Dictionary<string, string> Config(MqttTlsBroker broker, string inTopic, string outTopic, string? otherCa = null) => new()
    {
        [$"{Project}:speUrl"] = sites.Engine.Url,
        [$"{Project}:brokerUrl"] = broker.TlsUrl,
        [$"{Project}:adminPassword"] = broker.Broker.AdminPassword ?? "",
        [$"{Project}:caCert"] = broker.CaPem,
        [$"{Project}:otherCaCert"] = otherCa ?? "",
        [$"{Project}:inTopic"] = inTopic,
        [$"{Project}:outTopic"] = outTopic,
    };

    [Fact]
    public async Task A_job_on_an_mqtts_broker_with_a_private_ca_and_its_own_login_carries_data_over_tls()
    {
        await using var tls = await MqttTlsBroker.StartAsync(new MosquittoBrokerOptions { Dynsec = true });
        var (inTopic, outTopic) = (MqttTest.Unique("tls/in"), MqttTest.Unique("tls/out"));
        var config = Config(tls, inTopic, outTopic);
        var program = Program("""
                  sources: ["${in.endpoint}"]
                  sink: ${out.endpoint}
                options:
                  customTimeouts: { create: 30s }
            """, DynsecSite(""));
        using var dir = new ProgramDir(program, config, stack: "tls");
        var admin = new BrokerEndpoint
        {
            Kind = BrokerKind.Mqtt, Url = tls.TlsUrl, CaCert = tls.CaPem, AdminUsername = "admin", AdminPassword = tls.Broker.AdminPassword,
        };
        var tester = new JobAccess(MqttTest.Unique("tester"), "tls-test", [MqttBinder.RoleName("pub", inTopic), MqttBinder.RoleName("sub", outTopic)]);
        var logins = new MqttJobCredentials(new ConfigSource(), new DynsecConnectionPool());
        try
        {
            var up = await dir.Stack.UpAsync();

            Assert.True(up.Succeeded, string.Join("\n", up.Errors) + up.ProviderStderr);
            Assert.Equal("RUNNING", up.Outputs["state"]!.GetValue<string>());
            var flowId = up.Outputs["jobId"]!.GetValue<string>();
            // What Node-RED holds: the job's broker is the TLS listener, verified against a tls-config node.
            var flow = (await Client().GetFlowAsync(flowId, CancellationToken.None))!;
            var broker = NodeRedFlowHash.AllNodes(flow).Single(n => n["type"]!.GetValue<string>() == "mqtt-broker");
            Assert.Equal(tls.TlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture), broker["port"]!.GetValue<string>());
            Assert.True(broker["usetls"]!.GetValue<bool>());
            var tlsConfig = NodeRedFlowHash.AllNodes(flow).Single(n => n["id"]!.GetValue<string>() == broker["tls"]!.GetValue<string>());
            Assert.Equal("tls-config", tlsConfig["type"]!.GetValue<string>());
            Assert.True(tlsConfig["verifyservercert"]!.GetValue<bool>());
            Assert.Equal("", tlsConfig["ca"]!.GetValue<string>()); // no file: the CA came as the cadata credential

            // Data over TLS both ways: a client of the private CA publishes to the source and reads the sink.
            await logins.GrantAsync(admin, tester, "pw-tester-7d", CancellationToken.None);
            using var publisher = await tls.ConnectAsync(tester.Username, "pw-tester-7d");
            using var sink = await tls.ConnectAsync(tester.Username, "pw-tester-7d");
            var received = new ConcurrentQueue<string>();
            sink.ApplicationMessageReceivedAsync += e =>
            {
                received.Enqueue(Encoding.UTF8.GetString(e.ApplicationMessage.Payload));
                return Task.CompletedTask;
            };
            Assert.True(MqttTest.Granted(await MqttTest.SubscribeAsync(sink, outTopic)));
            Assert.True(await NodeRedTest.FlowsThroughAsync(publisher, inTopic, "over tls", received, "OVER TLS"));
            Assert.DoesNotContain("over tls", received);

            var down = await dir.Stack.DestroyAsync();
            Assert.True(down.Succeeded, string.Join("\n", down.Errors) + down.ProviderStderr);
            Assert.Null(await Client().GetFlowAsync(flowId, CancellationToken.None));
            var clients = (await MosquittoCtrl.DynsecAsync(tls.Broker, ["listClients"])).Split('\n', StringSplitOptions.TrimEntries);
            Assert.DoesNotContain(clients, c => c.StartsWith("speck-", StringComparison.Ordinal));
        }
        finally
        {
            await logins.RevokeAsync(admin, tester, CancellationToken.None);
            await dir.Stack.DestroyAsync();
        }
    }

    [Fact]
    public async Task With_a_ca_that_did_not_sign_the_broker_the_job_never_connects_and_the_deploy_fails_naming_the_broker()
    {
        await using var tls = await MqttTlsBroker.StartAsync();
        var (inTopic, outTopic) = (MqttTest.Unique("tls/in"), MqttTest.Unique("tls/out"));
        var config = Config(tls, inTopic, outTopic, MqttTlsBroker.OtherCaPem());
        // The site (probed by the provider) trusts the right CA; the job's topics name the same broker with another
        // CA, so only Node-RED's TLS handshake can fail.
        var program = Program("""
                  sources: [{ siteName: site, name: "${inTopic}", broker: { kind: mqtt, url: "${brokerUrl}", caCert: "${otherCaCert}" } }]
                  sink: { siteName: site, name: "${outTopic}", broker: { kind: mqtt, url: "${brokerUrl}", caCert: "${otherCaCert}" } }
                options:
                  customTimeouts: { create: 4s }
            """, """

                    kind: mqtt
                    url: "${brokerUrl}"
                    caCert: "${caCert}"
            """);
        using var dir = new ProgramDir(program, config, stack: "wrongca");
        try
        {
            var up = await dir.Stack.UpAsync();

            Assert.False(up.Succeeded);
            Assert.Equal(StepKind.Create, up.Step("site").Kind);
            var job = up.Step("job");
            var error = Assert.Single(job.InitErrors);
            Assert.Contains("runs but is not ready", error);
            Assert.Contains($"source '{inTopic}' on {tls.TlsUrl} is connecting", error);
            Assert.Contains($"sink '{outTopic}' on {tls.TlsUrl} is connecting", error);
            // Node-RED never says why; the provider's own try with the job's settings does.
            Assert.Contains($"TLS handshake with {tls.TlsUrl} failed", error);
            Assert.Contains("does not chain to the configured CA", error);
            // The job exists (unhealthy) and is recorded, so nothing is orphaned: destroy removes its flow.
            var recorded = dir.Stack.LoadState().Resources.Single(r => r.Name == "job");
            var flowId = recorded.Outputs["jobId"]!.GetValue<string>();
            Assert.NotNull(await Client().GetFlowAsync(flowId, CancellationToken.None));
            // While the job waited, the user saw what for, on which site and for how long: status lines, which the
            // engine shows in the resource's row and leaves out of the final output.
            Assert.Contains(up.StatusLines, l => l.Urn.EndsWith("::job", StringComparison.Ordinal) &&
                System.Text.RegularExpressions.Regex.IsMatch(l.Message, $"^waiting for Node-RED flow {flowId} to connect to its brokers on site '[^']+': [0-9]+ s so far$"));
            Assert.DoesNotContain(up.Logs, l => l.Message.StartsWith("waiting for", StringComparison.Ordinal));
            var down = await dir.Stack.DestroyAsync();
            Assert.True(down.Succeeded, string.Join("\n", down.Errors) + down.ProviderStderr);
            Assert.Null(await Client().GetFlowAsync(flowId, CancellationToken.None));
        }
        finally
        {
            await dir.Stack.DestroyAsync();
        }
    }

    private NodeRedClient Client() => new(new HttpClient { BaseAddress = new Uri(sites.Engine.Url + "/") });
}

using Speck.Harness.Deployment;
using MQTTnet;
using Speck.FlinkStandIn.Jars;
using Speck.Provider.Brokers.Mqtt;
using Speck.Provider.Brokers.Mqtt.Dynsec;
using Speck.Testbed.Mosquitto;
using Speck.Tests.Harness;
using Speck.Tests.Provider.Brokers.Mqtt;

namespace Speck.Tests.Provider.Brokers;

/// <summary>
/// Issue 5's proof, through the engine harness: two jobs on a Flink site whose Mosquitto runs dynamic security each
/// get their own login. The logins are what the jobs receive in their arguments; MQTTnet clients using them may read
/// exactly their sources and write exactly their sinks. No password is ever written in plain text, and destroy
/// leaves neither client nor role behind on a broker that still runs.
/// </summary>
public sealed class JobLoginsHarnessTests
{
    private const string Program = """
        name: logins
        runtime: yaml
        config:
          speUrl: { type: string }
          brokerUrl: { type: string }
          adminPassword: { type: string, secret: true }
        resources:
          site:
            type: speck:index:SpeSite
            properties:
              tier: edge
              spe: { kind: flink, url: "${speUrl}" }
              broker: { kind: mqtt, url: "${brokerUrl}", adminUsername: admin, adminPassword: { fn::secret: "${adminPassword}" } }
          raw: { type: speck:index:Topic, properties: { site: "${site.connection}", name: cars/raw } }
          clean: { type: speck:index:Topic, properties: { site: "${site.connection}", name: cars/clean } }
          stats: { type: speck:index:Topic, properties: { site: "${site.connection}", name: cars/stats } }
          cleaner:
            type: speck:index:StreamJob
            properties: { site: "${site.connection}", jarPath: job.jar, entryClass: org.speck.Job, upgradeMode: stateless, sources: ["${raw.endpoint}"], sink: "${clean.endpoint}" }
          counter:
            type: speck:index:StreamJob
            properties: { site: "${site.connection}", jarPath: job.jar, entryClass: org.speck.Job, upgradeMode: stateless, sources: ["${clean.endpoint}"], sink: "${stats.endpoint}" }
        """;

    /// <summary>The program in a directory of its own, with its jar, on <paramref name="broker"/> and <paramref name="flink"/>.</summary>
    private static ProgramDir ProgramOn(MosquittoBroker broker, Speck.FlinkStandIn.FlinkStandIn flink)
    {
        var dir = new ProgramDir(Program, new Dictionary<string, string>
        {
            ["logins:speUrl"] = flink.BaseUrl, ["logins:brokerUrl"] = broker.Url, ["logins:adminPassword"] = broker.AdminPassword!,
        });
        File.WriteAllBytes(Path.Combine(dir.Path, "job.jar"), TestJar.Build("org.speck.Job"));
        return dir;
    }

    [Fact]
    public async Task Each_job_gets_a_least_privilege_login_no_secret_is_written_in_plain_text_and_destroy_leaves_nothing()
    {
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Dynsec = true });
        await using var flink = new Speck.FlinkStandIn.FlinkStandIn();
        await flink.StartAsync();
        using var dir = ProgramOn(broker, flink);

        var up = await dir.Stack.UpAsync();
        Assert.True(up.Succeeded, string.Join("\n", up.Errors) + up.ProviderStderr);

        // What each job was given: broker URLs carrying its own login.
        var logins = flink.Jobs.ToDictionary(j => j.ProgramArgs[1], j => new Uri(j.ProgramArgs[0]).UserInfo.Split(':') is var u
            ? (User: Uri.UnescapeDataString(u[0]), Password: Uri.UnescapeDataString(u[1])) : default);
        Assert.Equal(2, logins.Count);
        var (cleaner, counter) = (logins["cars/raw"], logins["cars/clean"]);
        Assert.NotEqual(cleaner.User, counter.User);

        using (var c = await MqttTest.ConnectAsync(broker, cleaner.User, cleaner.Password))
        {
            Assert.True(MqttTest.Granted(await MqttTest.SubscribeAsync(c, "cars/raw")));
            Assert.True(Allowed(await MqttTest.PublishAsync(c, "cars/clean")));
            Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, await MqttTest.SubscribeAsync(c, "cars/clean"));
            Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, await MqttTest.SubscribeAsync(c, "cars/#"));
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await MqttTest.PublishAsync(c, "cars/raw"));
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await MqttTest.PublishAsync(c, "cars/stats"));
        }
        using (var c = await MqttTest.ConnectAsync(broker, counter.User, counter.Password))
        {
            Assert.True(MqttTest.Granted(await MqttTest.SubscribeAsync(c, "cars/clean")));
            Assert.True(Allowed(await MqttTest.PublishAsync(c, "cars/stats")));
            Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, await MqttTest.SubscribeAsync(c, "cars/raw"));
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await MqttTest.PublishAsync(c, "cars/clean"));
        }
        Assert.NotEqual(MqttClientConnectResultCode.Success, await MqttTest.TryConnectAsync(broker, cleaner.User, counter.Password));

        var secrets = new[] { cleaner.Password, counter.Password, broker.AdminPassword! };
        var written = new Dictionary<string, string>
        {
            ["state file"] = dir.StateText, ["gRPC log"] = File.ReadAllText(dir.GrpcLog), ["provider stderr"] = up.ProviderStderr,
            ["engine log"] = string.Join("\n", up.Logs.Select(l => l.Message).Concat(up.Warnings)),
        };
        foreach (var (where, text) in written)
            foreach (var secret in secrets)
                Assert.False(text.Contains(secret, StringComparison.Ordinal),
                    $"a password is in plain text in the {where}: ...{Around(text, secret)}...");

        var down = await dir.Stack.DestroyAsync();
        Assert.True(down.Succeeded, string.Join("\n", down.Errors) + down.ProviderStderr);
        var admin = MqttTest.AdminEndpoint(broker);
        await using var pool = new DynsecConnectionPool(new DynsecOptions());
        var dynsec = pool.For(admin);
        Assert.DoesNotContain(await dynsec.ListClientsAsync(), c => c.Username.StartsWith("speck-", StringComparison.Ordinal));
        Assert.Null(await dynsec.GetRoleAsync(MqttBinder.RoleName("pub", "cars/clean")));
        Assert.Null(await dynsec.GetRoleAsync(MqttBinder.RoleName("sub", "cars/raw")));
        await dynsec.PingAsync();
    }

    [Fact]
    public async Task A_job_renamed_with_an_alias_keeps_its_login_so_refresh_sees_no_drift_and_destroy_leaves_no_client()
    {
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Dynsec = true });
        await using var flink = new Speck.FlinkStandIn.FlinkStandIn();
        await flink.StartAsync();
        using var dir = ProgramOn(broker, flink);
        var up = await dir.Stack.UpAsync();
        Assert.True(up.Succeeded, string.Join("\n", up.Errors) + up.ProviderStderr);
        var admin = MqttTest.AdminEndpoint(broker);
        await using var pool = new DynsecConnectionPool(new DynsecOptions());
        var dynsec = pool.For(admin);
        var clients = (await dynsec.ListClientsAsync()).Select(c => c.Username).Where(u => u.StartsWith("speck-", StringComparison.Ordinal)).Order().ToList();
        Assert.Equal(2, clients.Count);

        // The user renames `counter` to `tally` and says what it was.
        dir.WriteProgram(Program.Replace("  counter:\n    type: speck:index:StreamJob\n", "  tally:\n    type: speck:index:StreamJob\n    options: { aliases: [{ name: counter }] }\n"));
        var renamed = await dir.Stack.UpAsync();
        Assert.True(renamed.Succeeded, string.Join("\n", renamed.Errors) + renamed.ProviderStderr);
        Assert.Equal(StepKind.Same, renamed.Step("tally").Kind);
        Assert.DoesNotContain(renamed.Steps, s => s.Kind is not StepKind.Same);
        var refresh = await dir.Stack.RefreshAsync();
        Assert.True(refresh.Succeeded, string.Join("\n", refresh.Errors) + refresh.ProviderStderr);
        Assert.DoesNotContain(refresh.Warnings, w => w.Contains("broker login drifted", StringComparison.Ordinal));
        Assert.Equal(clients, (await dynsec.ListClientsAsync()).Select(c => c.Username).Where(u => u.StartsWith("speck-", StringComparison.Ordinal)).Order());

        var down = await dir.Stack.DestroyAsync();
        Assert.True(down.Succeeded, string.Join("\n", down.Errors) + down.ProviderStderr);
        Assert.DoesNotContain(await dynsec.ListClientsAsync(), c => c.Username.StartsWith("speck-", StringComparison.Ordinal));
    }

    private static string Around(string text, string secret)
    {
        var i = text.IndexOf(secret, StringComparison.Ordinal);
        return text[Math.Max(0, i - 300)..Math.Min(text.Length, i + 60)].Replace(secret, "<PASSWORD>");
    }

    private static bool Allowed(MqttClientPublishReasonCode code) =>
        code is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers;
}

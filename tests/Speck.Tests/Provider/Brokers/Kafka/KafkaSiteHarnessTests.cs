using Speck.Harness.Deployment;
using Speck.Tests.Harness;

namespace Speck.Tests.Provider.Brokers.Kafka;

/// <summary>
/// A Kafka site through the plugin binary as the engine runs it: the provider process loads librdkafka and reads the
/// mock cluster's metadata (run with SPECK_PROVIDER set to the NativeAOT build, this proves Kafka survives trimming).
/// </summary>
public sealed class KafkaSiteHarnessTests(KafkaMockCluster mock) : IClassFixture<KafkaMockCluster>
{
    private const string Program = """
        name: kafkasite
        runtime: yaml
        config:
          speUrl: { type: string }
          bootstrap: { type: string }
        resources:
          cloud:
            type: speck:index:SpeSite
            properties:
              tier: cloud
              spe: { kind: flink, url: "${speUrl}" }
              broker: { kind: kafka, url: "kafka://${bootstrap}" }
        outputs:
          reachable: ${cloud.brokerReachable}
          engine: ${cloud.speVersion}
        """;

    [Fact]
    public async Task A_kafka_site_is_probed_by_the_plugin_process()
    {
        await using var flink = new Speck.FlinkStandIn.FlinkStandIn();
        await flink.StartAsync();
        using var dir = new ProgramDir(Program, new Dictionary<string, string>
        {
            ["kafkasite:speUrl"] = flink.BaseUrl, ["kafkasite:bootstrap"] = mock.BootstrapServers,
        });

        var up = await dir.Stack.UpAsync();
        Assert.True(up.Succeeded, string.Join("\n", up.Errors) + up.ProviderStderr);
        Assert.Equal(StepKind.Create, up.Step("cloud").Kind);
        Assert.True(up.Outputs["reachable"]!.GetValue<bool>());
        Assert.False(string.IsNullOrEmpty(up.Outputs["engine"]!.GetValue<string>()));
        Assert.True((await dir.Stack.DestroyAsync()).Succeeded);
    }
}

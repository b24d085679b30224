using Speck.Provider.Brokers.Mqtt;
using Speck.Provider.Brokers.Kafka;
using Speck.Provider.Brokers.Mqtt.Dynsec;
using Speck.Provider.Spe;
using Speck.Provider.Spe.Flink;
using Speck.Provider.Spe.NodeRed;

namespace Speck.Provider;

/// <summary>The provider with its real binders, as the plugin binary serves it.</summary>
public static class SpeckFactory
{
    public static SpeckProvider Create()
    {
        var http = new SiteHttp();
        var config = new ConfigSource();
        var dynsec = new DynsecConnectionPool();
        return new SpeckProvider(config, [new NodeRedBinder(http), new FlinkBinder(http)], [new MqttBinder(config, dynsec), new KafkaBinder(config)]);
    }
}

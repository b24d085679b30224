using Speck.Testbed.Mosquitto;

namespace Speck.Tests.Provider.Resources.StreamJob;

/// <summary>
/// The site of the single-job harness tests: one Flink stand-in on a plain Mosquitto, and a savepoint folder. Started
/// fresh for each test: the tests assert on the engine's whole job list.
/// </summary>
internal sealed class OneFlinkSite : IAsyncDisposable
{
    private OneFlinkSite(MosquittoBroker broker, Speck.FlinkStandIn.FlinkStandIn flink) => (Broker, Flink) = (broker, flink);

    public MosquittoBroker Broker { get; }
    public Speck.FlinkStandIn.FlinkStandIn Flink { get; }
    public string SavepointDir { get; } = Directory.CreateTempSubdirectory("speck-harness-sp-").FullName;

    public static async Task<OneFlinkSite> StartAsync(Speck.FlinkStandIn.FlinkStandInOptions? options = null)
    {
        var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions());
        var flink = new Speck.FlinkStandIn.FlinkStandIn(options);
        await flink.StartAsync();
        return new OneFlinkSite(broker, flink);
    }

    /// <summary>The stack config <see cref="OneJobProgram"/> takes: the engine's and the broker's URL.</summary>
    public Dictionary<string, string> Config(string project) => new()
    {
        [$"{project}:speUrl"] = Flink.BaseUrl, [$"{project}:brokerUrl"] = Broker.Url,
    };

    public async ValueTask DisposeAsync()
    {
        await Flink.DisposeAsync();
        await Broker.DisposeAsync();
        Directory.Delete(SavepointDir, recursive: true);
    }
}

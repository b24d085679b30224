using Speck.FlinkStandIn;
using Speck.Testbed.Mosquitto;

namespace Speck.Bench.Chains;

/// <summary>
/// The SpecK paper's testbed on loopback (docs/speck-paper.md §Fig. 6: chains): sites in pairs, each pair with one
/// Mosquitto broker, each site with its own Flink stand-in. The provider stands in pair 1; every request to a site of
/// another pair waits the round-trip time first (the stand-in's latency knob), as a request crossing the WAN between
/// pairs would.
/// </summary>
public sealed class ChainSites : IAsyncDisposable
{
    private readonly List<FlinkStandIn.FlinkStandIn> _spes;

    private ChainSites(IReadOnlyList<MosquittoBroker> brokers, List<FlinkStandIn.FlinkStandIn> spes, string jar, string savepoints) =>
        (Brokers, _spes, JarPath, SavepointDir) = (brokers, spes, jar, savepoints);

    public IReadOnlyList<MosquittoBroker> Brokers { get; }
    public IReadOnlyList<FlinkStandIn.FlinkStandIn> Spes => _spes;
    public string JarPath { get; }
    public string SavepointDir { get; }

    public static int PairOf(int site) => site / 2;

    /// <summary>Brokers live for the whole bench; the stand-ins are fresh per run (<see cref="StartSpesAsync"/>).</summary>
    public static async Task<IReadOnlyList<MosquittoBroker>> StartBrokersAsync(int sites, CancellationToken ct)
    {
        var pairs = (sites + 1) / 2;
        return await Task.WhenAll(Enumerable.Range(0, pairs).Select(_ => MosquittoBroker.StartAsync(new MosquittoBrokerOptions(), ct)));
    }

    /// <summary>Fresh stand-ins, so job IDs burned by an earlier run and its finished jobs never slow the next one.</summary>
    public static async Task<ChainSites> StartSpesAsync(IReadOnlyList<MosquittoBroker> brokers, int sites, TimeSpan rtt, string workDir)
    {
        var spes = new List<FlinkStandIn.FlinkStandIn>();
        for (var i = 0; i < sites; i++)
        {
            var s = new FlinkStandIn.FlinkStandIn(new FlinkStandInOptions { TaskSlots = 1000, Latency = PairOf(i) == 0 ? TimeSpan.Zero : rtt });
            await s.StartAsync();
            spes.Add(s);
        }
        Directory.CreateDirectory(workDir);
        var jar = Path.Combine(workDir, "filter.jar");
        if (!File.Exists(jar)) await File.WriteAllBytesAsync(jar, FlinkStandIn.Jars.TestJar.Build(ChainProgram.EntryClass));
        var savepoints = Path.Combine(workDir, "savepoints");
        Directory.CreateDirectory(savepoints);
        return new ChainSites(brokers, spes, jar, savepoints);
    }

    public void ClearRequestLogs()
    {
        foreach (var s in _spes) s.Requests.Clear();
    }

    public IReadOnlyList<FlinkStandIn.Control.RequestLogEntry> Requests() => _spes.SelectMany(s => s.Requests.Entries).ToList();

    /// <summary>Stack config for <see cref="ChainProgram"/>.</summary>
    public Dictionary<string, string> Config()
    {
        var config = new Dictionary<string, string> { ["jar"] = JarPath, ["savepointDir"] = SavepointDir };
        for (var i = 0; i < _spes.Count; i++)
        {
            config[$"site{i}SpeUrl"] = _spes[i].BaseUrl;
            config[$"site{i}BrokerUrl"] = Brokers[PairOf(i)].Url;
        }
        return config;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var s in _spes) await s.DisposeAsync();
    }
}

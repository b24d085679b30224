using Speck.Harness.Engine;
using Speck.Testbed.Fog;
using Speck.Testbed.NodeRed;

namespace Speck.Bench.Fog;

/// <summary>One run at one rate in one placement: what the jobs wrote within the window, and what was busy.</summary>
public sealed record FogMeasurement(Placement Placement, int Rate, int Run, double Seconds, int Sent, int Job3, int Job4,
    IReadOnlyDictionary<string, double> EngineCpu, IReadOnlyDictionary<string, double> UplinkMbit, IReadOnlyDictionary<string, long> UplinkHeld,
    IReadOnlyList<string> Overloaded, double MachineBusy, IReadOnlyDictionary<string, double> BrokerCpu, double GeneratorCpu,
    IReadOnlyList<FogSample> Series)
{
    /// <summary>
    /// Sends <paramref name="rate"/> detections a second to every edge for the window, and counts the messages Job 3
    /// (all edges) and Job 4 wrote by its end; then waits (bounded) until the pipeline has drained, so the next run
    /// starts on idle sites.
    /// </summary>
    public static async Task<FogMeasurement> TakeAsync(FogDeployment deployment, System.Text.Json.Nodes.JsonObject roles, int rate, int run, int seconds, long startTs, CancellationToken ct)
    {
        var network = deployment.Sites.Network;
        await using var traffic = await FogTraffic.StartAsync(deployment.Sites, roles, ct);
        var sites = network.Options.Sites;
        var cpuBefore = sites.ToDictionary(s => s, s => Cpu(deployment, s));
        var brokerBefore = sites.ToDictionary(s => s, s => BrokerCpuMs(deployment, s));
        var selfBefore = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
        var machineBefore = CpuTimes.Now();
        var upBefore = new Dictionary<string, (long Bytes, long Overlimits)>();
        foreach (var s in sites) upBefore[s] = await network.UplinkStatsAsync(s);

        using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var sending = traffic.SendUntilOverloadedAsync(rate * seconds, rate, startTs, stopSending.Token);
        // Counted once a second within the window, for the paper's Fig. 8 (the count over time in each placement).
        var series = new List<FogSample> { new(0, 0, 0) };
        for (var t = 1; t <= seconds; t++)
        {
            var due = TimeSpan.FromSeconds(t) - clock.Elapsed;
            if (due > TimeSpan.Zero) await Task.Delay(due, ct);
            series.Add(new FogSample(clock.Elapsed.TotalSeconds, traffic.Sent, traffic.LocalStats));
        }
        var (job3, job4, sent, elapsed) = (traffic.LocalStats, traffic.GlobalStats, traffic.Sent, clock.Elapsed.TotalSeconds);
        var machine = CpuTimes.Now();
        var busy = (machine.MachineBusyMs - machineBefore.MachineBusyMs) / (machine.MachineAllMs - machineBefore.MachineAllMs);
        var brokerCpu = sites.ToDictionary(s => s, s => (BrokerCpuMs(deployment, s) - brokerBefore[s]) / 10 / elapsed);
        var selfCpu = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds - selfBefore) / 10 / elapsed;
        var cpu = sites.ToDictionary(s => s, s => (Cpu(deployment, s) - cpuBefore[s]) / 10 / elapsed); // % of one core
        var mbit = new Dictionary<string, double>();
        var held = new Dictionary<string, long>();
        foreach (var s in sites)
        {
            var now = await network.UplinkStatsAsync(s);
            mbit[s] = (now.Bytes - upBefore[s].Bytes) * 8 / 1e6 / elapsed;
            held[s] = now.Overlimits - upBefore[s].Overlimits;
        }
        // A generator that could not keep the rate is still sending: stop it, the window is over.
        await stopSending.CancelAsync();
        try { await sending; }
        catch (OperationCanceledException) { }
        await DrainAsync(traffic, ct);
        return new FogMeasurement(deployment.Placement, rate, run, elapsed, sent, job3, job4, cpu, mbit, held, traffic.Overloaded, busy, brokerCpu, selfCpu, series);
    }

    private static double Cpu(FogDeployment d, string site) =>
        d.Sites[site].Engine is NodeRedEngine e && ProcessUsage.Of(e.Pid) is { } u ? u.CpuMs : double.NaN;

    private static double BrokerCpuMs(FogDeployment d, string site) => ProcessUsage.Of(d.Sites[site].Broker.Pid) is { } u ? u.CpuMs : double.NaN;

    private static async Task DrainAsync(FogTraffic traffic, CancellationToken ct)
    {
        var last = (-1, -1);
        for (var i = 0; i < 120; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
            var now = (traffic.LocalStats, traffic.GlobalStats);
            if (now == last) return;
            last = now;
        }
    }
}

/// <summary>One second into a run: detections sent and messages Job 3 wrote so far, over all edges.</summary>
public sealed record FogSample(double Seconds, int Sent, int Job3);

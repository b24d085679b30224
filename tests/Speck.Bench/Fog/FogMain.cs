using System.Runtime.InteropServices;

namespace Speck.Bench.Fog;

/// <summary>`speck-bench fog …`: runs the experiment within its time limit, stops cleanly on Ctrl-C or SIGTERM, writes the report.</summary>
public static class FogMain
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var o = FogOptions.Parse(args);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(o.MaxMinutes));
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cts.Cancel(); });
        var results = await FogExperiment.RunAsync(o, Console.Out, cts.Token);
        await FogReport.WriteAsync(o, results, $"{Environment.ProcessorCount} cores, {Environment.OSVersion}", Intro(o), o.Out);
        Console.WriteLine($"wrote {o.Out} and {Path.ChangeExtension(o.Out, ".png")}");
        return 0;
    }

    private static string Intro(FogOptions o) => $"""
        # Fog against cloud placement (the SpecK paper's Fig. 8 and Fig. 10)

        Written by `make experiment` on {"{{DATE}}"}, {"{{MACHINE}}"}. Every number below comes from this one run.

        ## Setup

        The road-traffic pipeline of `examples/road-traffic` (the SpecK paper's Fig. 7): at each of three edges Job 1
        cleans raw detections, Job 2 forwards the cleaned ones to the cloud, Job 3 counts cars per sensor per 10 s window;
        in the cloud Job 4 counts over all edges. Each site runs its own Mosquitto 2.0.11 (dynamic security) and Node-RED
        4.1.15 in its own network namespace; every job is a Node-RED flow. The deployment tool (`speck-engine` and the
        provider) runs in a control namespace and deploys with `up`.

        **The WAN.** Every site's uplink (packets from the site to any other site) is limited to {o.WanKbit / 1000.0:0.#} Mbit/s
        by an htb class on the site's veth, and every crossing is delayed {o.WanDelayMs} ms each way ({2 * o.WanDelayMs} ms round
        trip) by a relay in the host namespace: this kernel has no netem qdisc. Traffic inside a site, and between the
        control namespace (deployment tool, traffic generators, counters) and a site, is neither limited nor delayed
        (`tests/Speck.Testbed/Fog/FogNetwork.cs`).

        **The two placements.** Fog: Job 3 at each edge. Cloud: the program's `site` of each Job 3 changed to the cloud
        and `up` run, as a user would; Job 3 then reads each edge's cleaned detections and writes the edge's statistics
        over the WAN. Jobs 1, 2 and 4 do not move.

        **A run.** Generators send detections to every edge's `traffic/raw` at the given rate per edge for {o.Seconds} s
        (MQTT QoS 1, each publish acknowledged); F (fog) and C (cloud) are the messages Job 3 (all edges) and Job 4 wrote
        within those {o.Seconds} s (each processed detection gives one output message). After each run the pipeline
        drains before the next starts. {o.Runs} run(s) per rate and placement; D = 100 / F × (F − C), as the paper plots it.

        ## What differs from the paper

        The paper ran 15-minute runs, 5 per point, on Grid'5000 machines with Apache Flink and a cloud site of its own
        hardware; the text available here gives its setup (1 message per 2 ms and per 1 ms per site in Fig. 8, D against
        the input rate in Fig. 10) but not the plotted values, so none are copied beside ours. Here all four sites and
        their 8 processes share this machine's {Environment.ProcessorCount} cores: a site's Node-RED near 100 % of a core,
        or all of them together near {Environment.ProcessorCount * 100} %, means the engines are saturated, not the WAN; the
        uplink columns say how much each WAN link carried and how often it held packets back.

        """;
}

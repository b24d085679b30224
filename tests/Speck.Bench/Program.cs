using Speck.Bench;

// speck-bench [--jit <provider>] [--aot <provider>] [--out docs/benchmarks.md] [--quick] [--runs 10] [--sizes 1,10,25,50,100]
//             [--sites 6] [--seq-sizes 1,10,25,50,100] [--seq-runs 3] [--max-minutes 24] [--note TEXT]
//             [--nodered-sites 3] [--nodered-sizes 1,10,25,50,100] [--nodered-runs 3] [--nodered-max-minutes 5]
//             [--load] [--startup] [--load-sizes 100,300,1000] [--load-sites 20] [--load-checkpoint-sizes 100,300] [--load-max-minutes 25]
if (args is ["fog", .. var fogArgs]) return await Speck.Bench.Fog.FogMain.RunAsync(fogArgs);
var opts = BenchOptions.Parse(args);
using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(opts.MaxMinutes));
var report = await Bench.RunAsync(opts, Console.Out, cts.Token);
await report.WriteAsync(opts.Out);
Console.WriteLine($"wrote {opts.Out}");
return 0;

using Speck.Bench;

// speck-bench --jit <provider> --aot <provider> [--out docs/benchmarks.md] [--runs 10]
var opts = BenchOptions.Parse(args);
using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(opts.MaxMinutes));
var report = new Report($"{Environment.ProcessorCount} cores, {Environment.OSVersion}");

await StartupBench.RunAsync(opts, report, cts.Token);

await report.WriteAsync(opts.Out);
Console.WriteLine($"wrote {opts.Out}");

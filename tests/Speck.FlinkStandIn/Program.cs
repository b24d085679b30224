using Speck.FlinkStandIn;

// flink-standin [--port N] [--slots N] [--savepoint-dir DIR] [--flink-version V] [--upload-dir DIR] [--latency-ms N]
//               [--fail-entry-class CLASS] [--fail-program-arg ARG] [--fail-after-seconds N] [--fail-savepoints N]
// Prints the base URL on the first line, then serves until SIGINT or SIGTERM.
var options = new FlinkStandInOptions();
string? failClass = null, failArg = null;
double? failAfter = null;
var failSavepoints = 0;
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--port": options = options with { Port = int.Parse(Next()) }; break;
        case "--host": options = options with { Host = Next() }; break;
        case "--slots": options = options with { TaskSlots = int.Parse(Next()) }; break;
        case "--savepoint-dir": options = options with { SavepointDir = Path.GetFullPath(Next()) }; break;
        case "--upload-dir": options = options with { UploadDir = Path.GetFullPath(Next()) }; break;
        case "--flink-version": options = options with { FlinkVersion = Next() }; break;
        case "--latency-ms": options = options with { Latency = TimeSpan.FromMilliseconds(double.Parse(Next())) }; break;
        case "--fail-entry-class": failClass = Next(); break;
        case "--fail-program-arg": failArg = Next(); break;
        case "--fail-after-seconds": failAfter = double.Parse(Next()); break;
        case "--fail-savepoints": failSavepoints = int.Parse(Next()); break;
        default:
            Console.Error.WriteLine($"unknown argument {args[i]}");
            return 2;
    }
}

await using var standIn = new FlinkStandIn(options);
if (failAfter is not null || failClass is not null || failArg is not null)
    standIn.FailJobs(new Speck.FlinkStandIn.Control.JobFailureRule(failClass, failArg, TimeSpan.FromSeconds(failAfter ?? 0)));
if (failSavepoints > 0) standIn.FailNextSavepoints(failSavepoints);
Console.WriteLine(await standIn.StartAsync());
using var done = new CancellationTokenSource();
using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, c => { c.Cancel = true; done.Cancel(); });
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; done.Cancel(); });
try { await Task.Delay(Timeout.Infinite, done.Token); }
catch (OperationCanceledException) { }
return 0;

using System.Diagnostics;
using System.Text;
using Speck.Harness.Deployment;
using Speck.Harness.Engine;
using Speck.Harness.Program;

namespace Speck.Harness.Monitor;

/// <summary>
/// A preview or update of a program in another language, as the engine runs one (evalSource, forkRun,
/// pkg/resource/deploy/source_eval.go:215-390 (pulumi v3.259.0)): the resource monitor is started, the language
/// host runs the program against it, and every registration becomes steps in the one <see cref="UpdateRun"/>.
/// The program's end (its SignalAndWaitForShutdown, or its exit for an SDK that does not send one) finishes the
/// run: deletes, then the stack outputs. A program that fails ends the deployment with the language host's error
/// and deletes nothing.
/// </summary>
internal static class ProgramRun
{
    public static async Task RunAsync(ILanguageHost host, ProgramRunInfo info, UpdateRun run, DeploymentResult result,
        Redactor redactor, TextWriter? live, CancellationToken ct)
    {
        var session = new MonitorSession(run, info.ProgramDirectory);
        await using var monitor = await MonitorServer.StartAsync(session, ct);
        info = info with { MonitorAddress = monitor.Address };
        run.Construction = new ConstructInfo(monitor.Address, info.Config, info.ConfigSecretKeys);
        var launches = await host.LaunchesAsync(info, ct);
        foreach (var build in launches.SkipLast(1))
        {
            var output = new StringBuilder();
            var code = await RunProcessAsync(build, line => { lock (output) output.AppendLine(line); }, ct);
            if (code != 0) throw new HarnessException(host.BuildFailed(build, code, redactor.Redact(output.ToString())));
        }

        var programOutput = new StringBuilder();
        void Output(string line)
        {
            var shown = redactor.Redact(line);
            lock (programOutput) programOutput.AppendLine(shown);
            live?.WriteLine(shown);
        }
        var exited = RunProcessAsync(launches[^1], Output, ct);
        try
        {
            await Task.WhenAny(exited, session.ShutdownSignalled);
            // Finish on the program's signal, or on a clean exit (old SDKs); a failed program deletes nothing.
            if (session.ShutdownSignalled.IsCompleted || await exited == 0) await run.FinishAsync(session.StackOutputs);
        }
        finally
        {
            session.MarkFinished();
        }
        var exitCode = await exited;
        result.ProgramOutput = programOutput.ToString();
        // A step that failed stopped the deployment first: that is its error, not the program's exit.
        if (run.Stopped) return;
        switch (ProgramExit.Error(exitCode))
        {
            case null:
                break;
            case "":
                // Bail: the program reported its error through the engine's Log already (collected with the logs).
                result.Bailed = true;
                break;
            case var error:
                run.Fail(error);
                break;
        }
    }

    /// <summary>Runs one process of the language host with its environment added to this process's, line by line output; its exit code.</summary>
    private static async Task<int> RunProcessAsync(Launch launch, Action<string> output, CancellationToken ct)
    {
        var start = new ProcessStartInfo(launch.FileName)
        {
            WorkingDirectory = launch.WorkingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in launch.Arguments) start.ArgumentList.Add(a);
        foreach (var (k, v) in launch.Environment) start.Environment[k] = v;
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output(e.Data); };
        try { process.Start(); }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new HarnessException($"Problem executing program (could not run language executor): {launch.FileName}: {e.Message}");
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            // As the hosts' exec.CommandContext does on cancel: the program is stopped (here at once, with its children).
            process.Kill(entireProcessTree: true);
            throw;
        }
        process.WaitForExit(); // drains the redirected output
        return process.ExitCode;
    }
}

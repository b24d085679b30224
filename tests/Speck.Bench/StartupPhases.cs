using System.Diagnostics;
using System.Globalization;

namespace Speck.Bench;

/// <summary>
/// Where a start-up's time goes, from the system calls (strace, when installed): exec → the runtime has found its own
/// binary (<c>readlink /proc/self/exe</c>, when the host builder asks for its folder: runtime set-up and the provider built) → the listening socket is bound
/// (building and starting the host: DI, Kestrel, the gRPC endpoint) → the port line. strace slows every system call, so
/// the shares count, not the absolute numbers.
/// </summary>
public sealed partial record StartupPhases(double RuntimeMs, double HostMs, double PortLineMs)
{
    public static async Task<StartupPhases?> MeasureAsync(string binary, CancellationToken ct)
    {
        if (!File.Exists("/usr/bin/strace")) return null;
        var trace = Path.GetTempFileName();
        try
        {
            var psi = new ProcessStartInfo("/usr/bin/strace") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "-f", "-tt", "-e", "trace=execve,readlink,bind,write", "-o", trace, binary }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            await p.StandardOutput.ReadLineAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), ct);
            await Task.Delay(200, ct);
            // strace passes the signal on to the provider; the provider's own SIGINT handling ends both.
            foreach (var line in await File.ReadAllLinesAsync(trace, ct))
                if (line.Contains("execve(", StringComparison.Ordinal) && int.TryParse(line.Split(' ')[0], out var pid)) { Signals.Interrupt(pid); break; }
            if (!p.WaitForExit(5000)) p.Kill(entireProcessTree: true);
            var lines = await File.ReadAllLinesAsync(trace, ct);
            double? At(Func<string, bool> match) => lines.Where(match).Select(Time).Cast<double?>().FirstOrDefault();
            var exec = At(l => l.Contains("execve(", StringComparison.Ordinal));
            var self = At(l => l.Contains("readlink(\"/proc/self\"", StringComparison.Ordinal) || l.Contains("/exe\"", StringComparison.Ordinal));
            var bind = At(l => l.Contains("bind(", StringComparison.Ordinal));
            var port = At(l => PortWrite().IsMatch(l));
            if (exec is null || self is null || bind is null || port is null) return null;
            return new StartupPhases(self.Value - exec.Value, bind.Value - self.Value, port.Value - bind.Value);
        }
        finally
        {
            File.Delete(trace);
        }
    }

    /// <summary>The port line as strace shows it: <c>write(9, "38861\n", 6)</c> (stdout is not always fd 1).</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"write\(\d+, ""\d+\\n""")]
    private static partial System.Text.RegularExpressions.Regex PortWrite();

    private static double Time(string line)
    {
        var t = TimeSpan.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return t.TotalMilliseconds;
    }
}

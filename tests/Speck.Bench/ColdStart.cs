using System.Diagnostics;

namespace Speck.Bench;

/// <summary>
/// Provider start-up as the engine sees it: from spawning the plugin to reading its port line. The engine starts a
/// plugin per CLI process (preview and update each), so this is paid on every command.
/// </summary>
public static class ColdStart
{
    public sealed record Result(Sample StartMs, Sample PeakRssMiB);

    /// <summary>Runs the binaries in turn, <paramref name="runs"/> rounds, so both see the same machine.</summary>
    public static async Task<IReadOnlyList<Result>> MeasureAsync(IReadOnlyList<string> binaries, int runs, CancellationToken ct)
    {
        var results = binaries.Select(_ => new Result(new Sample("ms"), new Sample("MiB"))).ToList();
        foreach (var b in binaries) await SpawnAsync(b, ct); // warm the page cache: the first run would measure the disk
        for (var i = 0; i < runs; i++)
            for (var j = 0; j < binaries.Count; j++)
            {
                var (ms, peak) = await SpawnAsync(binaries[j], ct);
                results[j].StartMs.Add(ms);
                results[j].PeakRssMiB.Add(peak);
            }
        return results;
    }

    private static async Task<(double Ms, double PeakMiB)> SpawnAsync(string binary, CancellationToken ct)
    {
        // "<binary> <arg>" for the baseline (`/bin/echo 0`); provider paths are taken whole.
        var (file, arg) = binary.StartsWith("/bin/echo ", StringComparison.Ordinal) ? ("/bin/echo", binary[10..]) : (binary, null);
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (arg is not null) psi.ArgumentList.Add(arg);
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {binary}");
        var line = await p.StandardOutput.ReadLineAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), ct);
        var ms = sw.Elapsed.TotalMilliseconds;
        if (!int.TryParse(line, out _)) throw new InvalidOperationException($"{binary} printed '{line}' instead of a port");
        if (arg is not null)
        {
            await p.WaitForExitAsync(ct);
            return (ms, double.NaN);
        }
        var peak = PeakRssMiB(p.Id);
        Signals.Interrupt(p.Id);
        if (!p.WaitForExit(5000)) p.Kill();
        return (ms, peak);
    }

    /// <summary>VmHWM: the resident set's high-water mark, as the kernel counts it.</summary>
    public static double PeakRssMiB(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
        return double.NaN;
    }
}

internal static class Signals
{
    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    public static void Interrupt(int pid) => kill(pid, 2);
}

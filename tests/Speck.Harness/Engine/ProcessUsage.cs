namespace Speck.Harness.Engine;

/// <summary>
/// What a provider process used, read from the kernel just before the harness stops it (so its shutdown is not in
/// it): CPU time (utime + stime of <c>/proc/&lt;pid&gt;/stat</c>, in USER_HZ = 100 ticks a second) and the resident
/// set's high-water mark (VmHWM of <c>/proc/&lt;pid&gt;/status</c>). Not part of the engine's behaviour: the bench
/// reads it to tell the provider's costs from the harness's. Null off Linux or when the process has gone.
/// </summary>
public sealed record ProcessUsage(double CpuMs, double PeakRssMiB)
{
    public static ProcessUsage? Of(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // fields[0] is field 3 (state)
            var cpuMs = (long.Parse(fields[11]) + long.Parse(fields[12])) * 10.0; // fields 14 (utime) and 15 (stime)
            var peak = double.NaN;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    peak = double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
            return new ProcessUsage(cpuMs, peak);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}

using System.Diagnostics;

namespace Speck.Bench;

/// <summary>
/// CPU time used so far by this process (the harness, the stand-ins, the bench) and by its children already waited
/// for (the provider processes the harness ran and reaped; the brokers still run and are not in it). Children's time
/// comes from <c>/proc/self/stat</c> (cutime + cstime, in USER_HZ = 100 ticks a second), and the whole machine's busy
/// time from <c>/proc/stat</c> (the cores may be shared with other work); NaN off Linux.
/// </summary>
public readonly record struct CpuTimes(double SelfMs, double ChildrenMs, double MachineBusyMs = double.NaN, double MachineAllMs = double.NaN)
{
    /// <summary>How busy all cores were (every process on the machine, other work included), 0..1.</summary>
    public double MachineBusyShare => MachineBusyMs / MachineAllMs;

    public static CpuTimes Now()
    {
        var self = Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
        try
        {
            var stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // fields[0] is field 3 (state)
            // /proc/stat "cpu" line: user nice system idle iowait irq softirq steal ...; idle and iowait are the idle ones.
            var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(long.Parse).ToArray();
            var all = cpu.Sum();
            return new CpuTimes(self, (long.Parse(fields[13]) + long.Parse(fields[14])) * 10.0, (all - cpu[3] - cpu[4]) * 10.0, all * 10.0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return new CpuTimes(self, double.NaN);
        }
    }

    public static CpuTimes operator -(CpuTimes a, CpuTimes b) =>
        new(a.SelfMs - b.SelfMs, a.ChildrenMs - b.ChildrenMs, a.MachineBusyMs - b.MachineBusyMs, a.MachineAllMs - b.MachineAllMs);
}

using System.Diagnostics;

namespace Speck.Testbed.NodeRed;

/// <summary>Process chores for local engines: stopping by PID gently then firmly.</summary>
public static class NodeRedProcess
{
    /// <summary>tests/nodered with Node-RED installed, searched upward from this assembly (or SPECK_NODERED_DIR).</summary>
    public static string? FindInstallDirectory()
    {
        var fromEnv = Environment.GetEnvironmentVariable("SPECK_NODERED_DIR");
        if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "tests", "nodered");
            if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
        }

        return null;
    }

    /// <summary>SIGINT (Node-RED closes its flows and MQTT clients), then SIGKILL after <paramref name="grace"/>.</summary>
    public static async Task StopAsync(int pid, TimeSpan grace)
    {
        if (!IsAlive(pid)) return;
        await SignalAsync(pid, "INT");
        var waited = Stopwatch.StartNew();
        while (IsAlive(pid) && waited.Elapsed < grace) await Task.Delay(20);
        if (IsAlive(pid)) await SignalAsync(pid, "KILL");
        waited.Restart();
        while (IsAlive(pid) && waited.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(20);
    }

    /// <summary>True while the PID exists and is not a zombie waiting to be reaped.</summary>
    public static bool IsAlive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        try
        {
            var text = File.ReadAllText(stat);
            var state = text[(text.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state != "Z" && state != "X";
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    /// <summary>The kernel's short name of the process (Node-RED renames itself to <c>node-red</c>), or null.</summary>
    public static string? CommandName(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static async Task SignalAsync(int pid, string signal)
    {
        var start = new ProcessStartInfo("kill") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var arg in new[] { "-s", signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture) }) start.ArgumentList.Add(arg);
        using var p = Process.Start(start);
        if (p is not null) await p.WaitForExitAsync(); // fails only when the process is already gone
    }
}

using System.Diagnostics;

namespace Speck.Bench;

/// <summary>
/// Instructions a start-up executes until its port line, counted by valgrind's callgrind (when installed): unlike the
/// wall time, the count does not depend on what else the shared cores are doing, so two builds compare on it even on
/// a busy machine. Callgrind is asked to dump its counts as soon as the port line arrives; the process is then killed.
/// </summary>
public static class StartupInstructions
{
    public static async Task<long?> CountAsync(string binary, CancellationToken ct)
    {
        if (!File.Exists("/usr/bin/valgrind") || !File.Exists("/usr/bin/callgrind_control")) return null;
        var dir = Directory.CreateTempSubdirectory("speck-callgrind-").FullName;
        try
        {
            var psi = new ProcessStartInfo("/usr/bin/valgrind") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "--tool=callgrind", $"--callgrind-out-file={dir}/cg.out", binary }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            _ = p.StandardError.ReadToEndAsync(ct);
            await p.StandardOutput.ReadLineAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(120), ct);
            var control = new ProcessStartInfo("/usr/bin/callgrind_control", ["-d", p.Id.ToString()]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using (var dump = Process.Start(control)!)
                await dump.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(60), ct);
            // The dump at the port line is "cg.out.1", complete once its last line ("totals: <instructions>") is written.
            string? totals = null;
            for (var i = 0; i < 300 && totals is null; i++)
            {
                var dumped = Path.Combine(dir, "cg.out.1");
                totals = File.Exists(dumped) ? File.ReadLines(dumped).FirstOrDefault(l => l.StartsWith("totals:", StringComparison.Ordinal)) : null;
                if (totals is null) await Task.Delay(100, ct);
            }
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync(ct);
            return totals is not null && long.TryParse(totals["totals:".Length..].Trim(), out var n) ? n : null;
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

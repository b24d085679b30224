using System.Diagnostics;

namespace Speck.Testbed.Fog;

/// <summary>Runs <c>ip</c>, <c>tc</c> and <c>sysctl</c> and fails with the command's own words.</summary>
public static class NetCommands
{
    public static async Task<string> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await p.WaitForExitAsync(timeout.Token);
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed (exit {p.ExitCode}): {(await stderr).Trim()}");
        return await stdout;
    }

    public static Task<string> Ip(params string[] args) => RunAsync("ip", args);

    public static Task<string> InNamespace(string ns, string file, params string[] args) => RunAsync("ip", ["netns", "exec", ns, file, .. args]);

    /// <summary>Runs and ignores failure: for cleanup of what may already be gone.</summary>
    public static async Task TryAsync(string file, params string[] args)
    {
        try { await RunAsync(file, args); }
        catch (InvalidOperationException) { }
    }
}

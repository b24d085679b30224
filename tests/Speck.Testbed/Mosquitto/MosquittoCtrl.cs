using System.Diagnostics;

namespace Speck.Testbed.Mosquitto;

/// <summary>
/// <c>mosquitto_ctrl dynsec …</c> against a running broker, as an operator would type it: for changes made
/// behind Pulumi's back in tests and for the demo's clients.
/// </summary>
public static class MosquittoCtrl
{
    public static Task<string> DynsecAsync(MosquittoBroker broker, IEnumerable<string> args, CancellationToken ct = default) =>
        DynsecAsync(broker.Host, broker.Port, broker.AdminUser!, broker.AdminPassword!, args, ct);

    public static async Task<string> DynsecAsync(string host, int port, string adminUser, string adminPassword, IEnumerable<string> args,
        CancellationToken ct = default)
    {
        var ctrl = MosquittoBroker.FindMosquittoCtrl() ?? throw new InvalidOperationException("mosquitto_ctrl was not found");
        var psi = new ProcessStartInfo(ctrl) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-h", host, "-p", port.ToString(), "-u", adminUser, "-P", adminPassword, "dynsec" }.Concat(args))
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var stdout = p.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = p.StandardError.ReadToEndAsync(timeout.Token);
        await p.WaitForExitAsync(timeout.Token);
        var output = await stdout + await stderr;
        if (p.ExitCode != 0) throw new InvalidOperationException($"mosquitto_ctrl dynsec {string.Join(' ', args)} failed ({p.ExitCode}): {output.Trim()}");
        return output;
    }

    /// <summary>Role names as <c>listRoles</c> prints them, one per line.</summary>
    public static async Task<IReadOnlyList<string>> ListRolesAsync(MosquittoBroker broker, CancellationToken ct = default) =>
        (await DynsecAsync(broker, ["listRoles"], ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Speck.Testbed.NodeRed;

/// <summary>
/// A real Node-RED (npm <c>node-red</c> 4.1.15, installed by <c>npm ci --prefix tests/nodered</c>) on a free
/// loopback port in its own userDir, headless as nodered.md §2 sets it up: editor off, Admin API on, no telemetry,
/// no runtime npm installs. Ready when GET /settings answers.
/// </summary>
public sealed class NodeRedEngine : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _userDir;
    private readonly StringBuilder _log;

    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}";
    public string Log { get { lock (_log) return _log.ToString(); } }

    private NodeRedEngine(Process process, string userDir, int port, StringBuilder log) =>
        (_process, _userDir, Port, _log) = (process, userDir, port, log);

    /// <summary>red.js of the repository's tests/nodered install, or of SPECK_NODERED (a node-red package folder).</summary>
    public static string? FindRedJs()
    {
        if (Environment.GetEnvironmentVariable("SPECK_NODERED") is { Length: > 0 } env)
            return File.Exists(Path.Combine(env, "red.js")) ? Path.Combine(env, "red.js") : null;
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var red = Path.Combine(d.FullName, "tests", "nodered", "node_modules", "node-red", "red.js");
            if (File.Exists(red)) return red;
        }
        return null;
    }

    public static async Task<NodeRedEngine> StartAsync(CancellationToken ct = default)
    {
        var red = FindRedJs() ?? throw new InvalidOperationException(
            "Node-RED is not installed: run 'npm ci --prefix tests/nodered' (make test does)");
        var userDir = Directory.CreateTempSubdirectory("speck-nodered-").FullName;
        await File.WriteAllTextAsync(Path.Combine(userDir, "settings.js"), Settings(userDir), ct);
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { red, "--settings", Path.Combine(userDir, "settings.js"), "--userDir", userDir, "--port", port.ToString() })
                psi.ArgumentList.Add(a);
            var log = new StringBuilder();
            var process = Process.Start(psi)!;
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var engine = new NodeRedEngine(process, userDir, port, log);
            if (await engine.WaitReadyAsync(ct)) return engine;
            await engine.StopProcessAsync();
            // Someone took the port between picking and binding: Node-RED logs it and exits. Try another.
            if (attempt >= 3 || !log.ToString().Contains("port in use", StringComparison.OrdinalIgnoreCase))
            {
                Directory.Delete(userDir, recursive: true);
                throw new InvalidOperationException($"Node-RED did not start on port {port}:\n{log}");
            }
        }
    }

    private async Task<bool> WaitReadyAsync(CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var res = await http.GetAsync($"{Url}/settings", ct);
                if (res.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized) return true;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
            await Task.Delay(100, ct);
        }
        return false;
    }

    private static string Settings(string userDir) => $$"""
        module.exports = {
            userDir: {{System.Text.Json.JsonSerializer.Serialize(userDir)}},
            flowFile: 'flows.json',
            credentialSecret: 'speck-testbed-local-only',
            uiHost: '127.0.0.1',
            disableEditor: true,
            httpNodeRoot: false,
            runtimeState: { enabled: true, ui: false },
            telemetry: { enabled: false, updateNotification: false },
            logging: { console: { level: 'info', metrics: false, audit: false } },
            externalModules: { autoInstall: false, palette: { allowInstall: false, allowUpdate: false, allowUpload: false }, modules: { allowInstall: false } },
            functionExternalModules: false,
            mqttReconnectTime: 2000,
            editorTheme: { tours: false, projects: { enabled: false } },
        };
        """;

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        try { return ((IPEndPoint)l.LocalEndpoint).Port; }
        finally { l.Stop(); }
    }

    private async Task StopProcessAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopProcessAsync();
        _process.Dispose();
        try { Directory.Delete(_userDir, recursive: true); } catch (IOException) { }
    }
}

using System.Diagnostics;
using System.Net;
using System.Text;

namespace Speck.Testbed.NodeRed;

/// <summary>
/// A real Node-RED (the pinned tests/nodered install) on 127.0.0.1 with its own settings.js and user dir, for tests
/// and the local-sites demo. Ready once <c>GET /settings</c> answers (200, or 401 with adminAuth); stopped by PID.
/// </summary>
public sealed class NodeRedEngine : IAsyncDisposable
{
    private readonly NodeRedEngineOptions options;
    private readonly bool ownsDirectory;
    private readonly string nodePath;
    private readonly string installDirectory;
    private Process? process;

    private NodeRedEngine(NodeRedEngineOptions options, string directory, bool ownsDirectory, string nodePath, string installDirectory)
    {
        this.options = options;
        this.ownsDirectory = ownsDirectory;
        this.nodePath = nodePath;
        this.installDirectory = installDirectory;
        Directory = directory;
    }

    public int Port { get; private set; }
    public string Url => $"http://{options.Host}:{Port}";
    public int Pid { get; private set; }
    public string Directory { get; }
    public string UserDirectory => Path.Combine(Directory, "userdir");
    public string SettingsPath => Path.Combine(Directory, "settings.js");
    public string LogFilePath => Path.Combine(Directory, "node-red.log");
    public NodeRedAdminAuth? AdminAuth => options.AdminAuth;
    public bool IsRunning => process is { HasExited: false };

    /// <summary>An engine with the default options (no adminAuth).</summary>
    public static Task<NodeRedEngine> StartAsync(CancellationToken ct) => StartAsync(null, ct);

    public static async Task<NodeRedEngine> StartAsync(NodeRedEngineOptions? options = null, CancellationToken ct = default)
    {
        options ??= new NodeRedEngineOptions();
        var node = options.NodePath ?? Executables.Find("SPECK_NODE", "node", ["/usr/bin", "/usr/local/bin"])
            ?? throw new InvalidOperationException("node was not found on PATH (Node.js 20 runs Node-RED 4.1.15)");
        var install = options.InstallDirectory ?? NodeRedProcess.FindInstallDirectory()
            ?? throw new InvalidOperationException("tests/nodered was not found; set SPECK_NODERED_DIR");
        if (!File.Exists(RedJs(install)))
            throw new InvalidOperationException($"Node-RED is not installed in {install}: run 'npm ci --prefix tests/nodered' (make test does)");
        var ownsDirectory = options.WorkDirectory is null;
        var directory = options.WorkDirectory ?? System.IO.Directory.CreateTempSubdirectory("speck-nodered-").FullName;
        var engine = new NodeRedEngine(options, directory, ownsDirectory, node, install);
        System.IO.Directory.CreateDirectory(engine.UserDirectory);
        try
        {
            // A picked port can be taken before Node-RED binds it; Node-RED then exits, and we pick again.
            for (var attempt = 1; ; attempt++)
            {
                engine.Port = options.Port ?? LoopbackPorts.PickFree();
                await File.WriteAllTextAsync(engine.SettingsPath,
                    NodeRedSettingsFile.Render(options, engine.UserDirectory, engine.Port, install), ct);
                try
                {
                    await engine.LaunchAsync(ct);
                    return engine;
                }
                catch (PortInUseException) when (options.Port is null && attempt < 5)
                {
                }
            }
        }
        catch
        {
            await engine.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the process by PID (SIGINT, then SIGKILL). The directory stays until <see cref="DisposeAsync"/>.</summary>
    public async Task StopAsync()
    {
        var p = process;
        process = null;
        if (p is null) return;
        using (p)
        {
            await NodeRedProcess.StopAsync(p.Id, options.StopTimeout);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await p.WaitForExitAsync(timeout.Token);
        }
    }

    /// <summary>Stops and starts again on the same port with the same user dir (flows and credentials survive).</summary>
    public async Task RestartAsync(CancellationToken ct = default)
    {
        await StopAsync();
        await LaunchAsync(ct);
    }

    /// <summary>Detaches the running process: it keeps running after this object is gone (for the CLI's start command).</summary>
    public void Detach()
    {
        process?.Dispose();
        process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (ownsDirectory && !options.KeepDirectory)
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp directory is harmless.
            }
        }
    }

    public string ReadLog() => ReadLogFrom(0);

    /// <summary>Everything the engine logged so far (all starts).</summary>
    public string Log => ReadLogFrom(0);

    public override string ToString() => $"Node-RED {Url} (pid {Pid}{(options.AdminAuth is null ? "" : ", adminAuth")}, dir {Directory})";

    private static string RedJs(string install) => Path.Combine(install, "node_modules", "node-red", "red.js");

    private async Task LaunchAsync(CancellationToken ct)
    {
        var logStart = File.Exists(LogFilePath) ? new FileInfo(LogFilePath).Length : 0;
        // exec keeps the PID, so Pid is Node-RED's own; the shell only redirects the log.
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = Directory };
        foreach (var arg in new[] { "-c", $"exec {NetnsPrefix.Of(options.NetworkNamespace)}\"$0\" \"$1\" --settings \"$2\" --userDir \"$3\" </dev/null >>\"$4\" 2>&1",
                     nodePath, RedJs(installDirectory), SettingsPath, UserDirectory, LogFilePath })
            start.ArgumentList.Add(arg);
        if (options.AdminAuth is { } auth)
        {
            start.Environment[NodeRedSettingsFile.PasswordVariable] = auth.Password;
            if (auth.Token is not null) start.Environment[NodeRedSettingsFile.TokenVariable] = auth.Token;
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("could not start Node-RED");
        Pid = process.Id;
        using var http = new HttpClient { BaseAddress = new Uri(Url + "/"), Timeout = TimeSpan.FromSeconds(2) };
        var waited = Stopwatch.StartNew();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                await process.WaitForExitAsync(ct);
                var log = ReadLogFrom(logStart).Trim();
                var message = $"Node-RED exited with code {process.ExitCode} while starting on port {Port}:\n{log}";
                process.Dispose();
                process = null;
                throw log.Contains("port in use", StringComparison.OrdinalIgnoreCase) ? new PortInUseException(message) : new InvalidOperationException(message);
            }

            // Only our process logs that it listens on this port; another server that grabbed the port first would
            // also answer GET /settings, while Node-RED exits with "port in use".
            if (ReadLogFrom(logStart).Contains($"Server now running at {ListenPath}", StringComparison.Ordinal) && await AnswersAsync(http, ct)) return;
            if (waited.Elapsed > options.StartTimeout)
            {
                await StopAsync();
                throw new TimeoutException($"Node-RED did not answer GET /settings on {Url} within {options.StartTimeout}:\n{ReadLogFrom(logStart).Trim()}");
            }

            await Task.Delay(50, ct);
        }
    }

    // What Node-RED logs for its address (red.js getListenPath): 0.0.0.0 as 127.0.0.1.
    private string ListenPath => $"http://{(options.BindAddress ?? options.Host) switch { "0.0.0.0" => "127.0.0.1", var h => h }}:{Port}/";

    private static async Task<bool> AnswersAsync(HttpClient http, CancellationToken ct)
    {
        try
        {
            using var res = await http.GetAsync("settings", ct);
            return res.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private string ReadLogFrom(long offset)
    {
        if (!File.Exists(LogFilePath)) return "";
        using var stream = new FileStream(LogFilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private sealed class PortInUseException(string message) : Exception(message);
}

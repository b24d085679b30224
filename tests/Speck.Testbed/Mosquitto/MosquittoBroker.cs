using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Speck.Testbed.Mosquitto;

/// <summary>
/// A real mosquitto process on 127.0.0.1 in its own directory, for tests and the local-sites demo. Follows
/// docs/mosquitto-dynsec.md §dynsec.json must belong to the broker's user: dynsec.json is created offline with
/// <c>mosquitto_ctrl dynsec init</c> and handed to the <c>mosquitto</c> user, because a broker started as root drops to
/// that user and would otherwise keep dynsec changes only in memory; <c>set_tcp_nodelay</c> avoids ~44 ms per control
/// round trip.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    public const string DynsecPluginFileName = "mosquitto_dynamic_security.so";

    private readonly MosquittoBrokerOptions options;
    private readonly bool ownsDirectory;
    private readonly string mosquittoPath;
    private Process? process;

    private MosquittoBroker(MosquittoBrokerOptions options, string directory, bool ownsDirectory, string mosquittoPath)
    {
        this.options = options;
        this.ownsDirectory = ownsDirectory;
        this.mosquittoPath = mosquittoPath;
        Directory = directory;
    }

    public string Host => options.Host;
    public int Port { get; private set; }
    public string Url => $"mqtt://{Host}:{Port}";
    public bool HasDynsec => options.Dynsec;

    /// <summary>Null without dynsec.</summary>
    public string? AdminUser => options.Dynsec ? options.AdminUser : null;

    /// <summary>Null without dynsec.</summary>
    public string? AdminPassword => options.Dynsec ? options.AdminPassword : null;

    public string Directory { get; }
    public string ConfigPath => Path.Combine(Directory, "mosquitto.conf");
    public string LogFilePath => Path.Combine(Directory, "mosquitto.log");
    public string? DynsecFilePath => options.Dynsec ? Path.Combine(Directory, "dynsec.json") : null;
    public int Pid { get; private set; }

    public bool IsRunning
    {
        get
        {
            var p = process;
            return p is not null && !p.HasExited;
        }
    }

    public static async Task<MosquittoBroker> StartAsync(MosquittoBrokerOptions? options = null, CancellationToken ct = default)
    {
        options ??= new MosquittoBrokerOptions();
        var mosquitto = options.MosquittoPath ?? FindMosquitto()
            ?? throw new InvalidOperationException("mosquitto was not found (install it with 'apt-get install mosquitto mosquitto-clients')");
        var ownsDirectory = options.WorkDirectory is null;
        var directory = options.WorkDirectory ?? System.IO.Directory.CreateTempSubdirectory("speck-mosquitto-").FullName;
        System.IO.Directory.CreateDirectory(directory);
        var broker = new MosquittoBroker(options, directory, ownsDirectory, mosquitto);
        try
        {
            await broker.PrepareAsync(ct).ConfigureAwait(false);
            // A picked port can be taken by someone else before mosquitto binds it; pick again then.
            for (var attempt = 1; ; attempt++)
            {
                broker.Port = options.Port ?? LoopbackPorts.PickFree();
                broker.WriteConfig();
                try
                {
                    await broker.LaunchAsync(ct).ConfigureAwait(false);
                    return broker;
                }
                catch (PortInUseException) when (options.Port is null && attempt < 5)
                {
                }
            }
        }
        catch
        {
            await broker.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Kills the process (SIGKILL) and, for the same port and files, starts it again.</summary>
    public async Task RestartAsync(CancellationToken ct = default)
    {
        await KillAsync().ConfigureAwait(false);
        await LaunchAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Restarts as <c>systemctl restart</c> does: SIGINT (mosquitto shuts down cleanly, as on SIGTERM), SIGKILL only
    /// after 5 s, then the same port and files. A SIGKILL while Mosquitto 2.0.11 rewrites dynsec.json can leave the
    /// file empty, its admin and every role gone (seen in issue 11's fault suite); use <see cref="RestartAsync"/> for a crash.
    /// </summary>
    public async Task RestartGracefullyAsync(CancellationToken ct = default)
    {
        var p = process;
        process = null;
        if (p is not null)
            using (p)
            {
                await NodeRed.NodeRedProcess.StopAsync(p.Id, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                await p.WaitForExitAsync(ct).ConfigureAwait(false);
            }
        await LaunchAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Kills the process by PID. The directory stays until <see cref="DisposeAsync"/>.</summary>
    public Task StopAsync() => KillAsync();

    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
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

    public async Task<string> ReadLogAsync(CancellationToken ct = default)
    {
        // The broker keeps the file open; share it for reading.
        await using var stream = new FileStream(LogFilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(ct).ConfigureAwait(false);
    }

    public override string ToString() => $"mosquitto {Url} (pid {Pid}{(HasDynsec ? ", dynsec" : "")}, dir {Directory})";

    public static string? FindMosquitto() =>
        Executables.Find("SPECK_MOSQUITTO", "mosquitto", ["/usr/sbin", "/usr/local/sbin", "/opt/homebrew/sbin"]);

    public static string? FindMosquittoCtrl() =>
        Executables.Find("SPECK_MOSQUITTO_CTRL", "mosquitto_ctrl", ["/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"]);

    /// <summary>
    /// The plugin lives under the multiarch directory on Debian (/usr/lib/x86_64-linux-gnu, /usr/lib/aarch64-linux-gnu);
    /// other layouts put it in /usr/lib, /usr/lib64, /usr/local/lib or a mosquitto subdirectory.
    /// </summary>
    public static string? FindDynsecPlugin()
    {
        var fromEnv = Environment.GetEnvironmentVariable("SPECK_MOSQUITTO_DYNSEC_PLUGIN");
        if (!string.IsNullOrEmpty(fromEnv) && File.Exists(fromEnv))
        {
            return fromEnv;
        }

        var roots = new List<string>();
        foreach (var lib in new[] { "/usr/lib", "/usr/local/lib" })
        {
            roots.Add(lib);
            roots.Add(Path.Combine(lib, "mosquitto"));
            if (System.IO.Directory.Exists(lib))
            {
                roots.AddRange(System.IO.Directory.EnumerateDirectories(lib, "*-linux-gnu*").Order(StringComparer.Ordinal));
            }
        }

        roots.AddRange(["/usr/lib64", "/usr/lib64/mosquitto", "/opt/homebrew/lib"]);
        return roots.Select(r => Path.Combine(r, DynsecPluginFileName)).FirstOrDefault(File.Exists);
    }

    private async Task PrepareAsync(CancellationToken ct)
    {
        if (!options.Dynsec)
        {
            return;
        }

        if (File.Exists(DynsecFilePath))
        {
            return; // A caller-provided directory from an earlier run keeps its state.
        }

        var ctrl = options.MosquittoCtrlPath ?? FindMosquittoCtrl()
            ?? throw new InvalidOperationException("mosquitto_ctrl was not found (it ships with the mosquitto-clients package)");
        var (exit, output) = await RunAsync(ctrl, ["dynsec", "init", DynsecFilePath!, options.AdminUser, options.AdminPassword], ct)
            .ConfigureAwait(false);
        if (exit != 0 || !File.Exists(DynsecFilePath))
        {
            throw new InvalidOperationException($"mosquitto_ctrl dynsec init failed (exit {exit}): {output.Trim()}");
        }

        // Only root's broker switches users; the directory must then be traversable by 'mosquitto' too.
        if (!OperatingSystem.IsWindows() && Environment.UserName == "root" && MosquittoUserExists())
        {
            File.SetUnixFileMode(Directory,
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            var (chownExit, chownOutput) = await RunAsync("chown", ["mosquitto:mosquitto", DynsecFilePath!], ct).ConfigureAwait(false);
            if (chownExit != 0)
            {
                throw new InvalidOperationException($"chown mosquitto:mosquitto {DynsecFilePath} failed: {chownOutput.Trim()}");
            }
        }
    }

    private void WriteConfig()
    {
        var anonymous = options.AllowAnonymous ?? !options.Dynsec;
        var lines = new List<string>
        {
            "per_listener_settings false",
            $"listener {Port} {options.BindAddress ?? Host}",
            $"allow_anonymous {(anonymous ? "true" : "false")}",
            "persistence false",
            "log_dest stderr",
            "log_type all",
            "connection_messages true",
            "set_tcp_nodelay true",
        };
        if (options.Dynsec)
        {
            var plugin = options.DynsecPluginPath ?? FindDynsecPlugin()
                ?? throw new InvalidOperationException($"{DynsecPluginFileName} was not found; set SPECK_MOSQUITTO_DYNSEC_PLUGIN to its path");
            lines.Add($"plugin {plugin}");
            lines.Add($"plugin_opt_config_file {DynsecFilePath}");
        }

        lines.AddRange(options.ExtraConfig);
        File.WriteAllText(ConfigPath, string.Join('\n', lines) + "\n");
    }

    private async Task LaunchAsync(CancellationToken ct)
    {
        var logStart = File.Exists(LogFilePath) ? new FileInfo(LogFilePath).Length : 0;
        // exec keeps the PID, so Pid is mosquitto's own; the shell only sets up the log redirection.
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var arg in new[] { "-c", $"exec {NetnsPrefix.Of(options.NetworkNamespace)}\"$0\" -c \"$1\" </dev/null >>\"$2\" 2>&1", mosquittoPath, ConfigPath, LogFilePath })
        {
            start.ArgumentList.Add(arg);
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("could not start mosquitto");
        Pid = process.Id;

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var log = ReadLogFrom(logStart);
            if (process.HasExited)
            {
                await process.WaitForExitAsync(ct).ConfigureAwait(false);
                var message = $"mosquitto exited with code {process.ExitCode} while starting on port {Port}:\n{log.Trim()}";
                process = null;
                throw log.Contains("Address already in use", StringComparison.Ordinal)
                    ? new PortInUseException(message)
                    : new InvalidOperationException(message);
            }

            if (log.Contains(" running", StringComparison.Ordinal) && await AcceptsConnectionsAsync(ct).ConfigureAwait(false))
            {
                return;
            }

            if (deadline.Elapsed > options.StartTimeout)
            {
                await KillAsync().ConfigureAwait(false);
                throw new TimeoutException($"mosquitto did not accept connections on {Url} within {options.StartTimeout}:\n{log.Trim()}");
            }

            await Task.Delay(20, ct).ConfigureAwait(false);
        }
    }

    private async Task KillAsync()
    {
        var p = process;
        process = null;
        if (p is null)
        {
            return;
        }

        using (p)
        {
            try
            {
                if (!p.HasExited)
                {
                    p.Kill();
                }
            }
            catch (InvalidOperationException)
            {
                // Exited between the check and the kill.
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await p.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
    }

    private string ReadLogFrom(long offset)
    {
        if (!File.Exists(LogFilePath))
        {
            return "";
        }

        using var stream = new FileStream(LogFilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private async Task<bool> AcceptsConnectionsAsync(CancellationToken ct)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(IPAddress.Parse(Host), Port, ct).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static bool MosquittoUserExists() =>
        File.Exists("/etc/passwd") && File.ReadLines("/etc/passwd").Any(l => l.StartsWith("mosquitto:", StringComparison.Ordinal));

    private static async Task<(int Exit, string Output)> RunAsync(string file, IEnumerable<string> args, CancellationToken ct)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var p = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct).ConfigureAwait(false);
        return (p.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }

    private sealed class PortInUseException(string message) : Exception(message);
}

using System.Net;
using static Speck.Testbed.Fog.NetCommands;

namespace Speck.Testbed.Fog;

/// <summary>
/// The emulated fog (docs/fog-vs-cloud.md §Network): one namespace per site and one for the deployment tool
/// ("ctl"), each joined to this (the host's) namespace by a veth pair on its own /24: the namespace end is
/// <c>10.O.k.2</c>, the host end <c>10.O.k.1</c>, and the host end also holds <c>10.O.k.254</c>, where the site's
/// WAN relay listens. Names resolve per namespace (<c>/etc/netns/&lt;ns&gt;/hosts</c>, which <c>ip netns exec</c>
/// mounts): a site finds itself on 127.0.0.1 and every other site through that site's relay; ctl finds every site
/// directly. So the one URL a topic records reaches its broker over the WAN from another site and without it from
/// the site itself and from the deployment tool. A site's packets to any relay address leave through its htb class
/// 1:10 (the WAN uplink, <see cref="FogNetworkOptions.WanKbit"/>); everything else through 1:20 (unlimited).
/// Every namespace, veth, hosts file and relay is removed on dispose; a run killed before that is cleaned up by the
/// next one (<see cref="RemoveLeftoversAsync"/>).
/// </summary>
public sealed class FogNetwork : IAsyncDisposable
{
    public const string ControlSite = "ctl";
    private const string Prefix = "sf";
    private readonly List<string> _namespaces = [];
    private readonly List<DelayRelay> _relays = [];
    private string? _forwardingBefore;
    private static int _created;

    private FogNetwork(FogNetworkOptions options, string tag, int octet) => (Options, Tag, Octet) = (options, tag, octet);

    public FogNetworkOptions Options { get; }
    public string Tag { get; }
    public int Octet { get; }
    public IReadOnlyList<DelayRelay> Relays => _relays;

    private IReadOnlyList<string> All => [.. Options.Sites, ControlSite];
    private int Index(string site) => All.ToList().IndexOf(site) is var i and >= 0 ? i + 1 : throw new ArgumentException($"no site '{site}'", nameof(site));

    public string Namespace(string site) => $"{Tag}-{site}";
    public string ControlNamespace => Namespace(ControlSite);
    public static string HostName(string site) => $"{site}.speck";
    public string SiteAddress(string site) => $"10.{Octet}.{Index(site)}.2";
    public string HostAddress(string site) => $"10.{Octet}.{Index(site)}.1";
    public string RelayAddress(string site) => $"10.{Octet}.{Index(site)}.254";
    public string SiteDevice(string site) => $"{Tag}{Index(site)}n";
    private string HostDevice(string site) => $"{Tag}{Index(site)}h";

    public static async Task<FogNetwork> CreateAsync(FogNetworkOptions options, CancellationToken ct = default)
    {
        await RemoveLeftoversAsync();
        var tag = $"{Prefix}{Environment.ProcessId}x{Interlocked.Increment(ref _created) % 10}";
        var network = new FogNetwork(options, tag, await FreeOctetAsync());
        try
        {
            await network.BuildAsync(ct);
            return network;
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }
    }

    private async Task BuildAsync(CancellationToken ct)
    {
        _forwardingBefore = (await RunAsync("sysctl", "-n", "net.ipv4.ip_forward")).Trim();
        await RunAsync("sysctl", "-qw", "net.ipv4.ip_forward=1"); // ctl reaches the sites through the host
        foreach (var site in All)
        {
            ct.ThrowIfCancellationRequested();
            var ns = Namespace(site);
            await Ip("netns", "add", ns);
            _namespaces.Add(ns);
            await Ip("link", "add", HostDevice(site), "type", "veth", "peer", "name", SiteDevice(site));
            await Ip("link", "set", SiteDevice(site), "netns", ns);
            await Ip("addr", "add", $"{HostAddress(site)}/24", "dev", HostDevice(site));
            await Ip("addr", "add", $"{RelayAddress(site)}/32", "dev", HostDevice(site));
            await Ip("link", "set", HostDevice(site), "up");
            await InNamespace(ns, "ip", "link", "set", "lo", "up");
            await InNamespace(ns, "ip", "addr", "add", $"{SiteAddress(site)}/24", "dev", SiteDevice(site));
            await InNamespace(ns, "ip", "link", "set", SiteDevice(site), "up");
            await InNamespace(ns, "ip", "route", "add", "default", "via", HostAddress(site));
            WriteHosts(site);
            if (site != ControlSite) await ShapeUplinkAsync(site);
        }
        foreach (var site in Options.Sites)
            foreach (var port in Options.WanPorts)
                _relays.Add(await DelayRelay.StartAsync(new IPEndPoint(IPAddress.Parse(RelayAddress(site)), port),
                    new IPEndPoint(IPAddress.Parse(SiteAddress(site)), port), Options.WanDelay, ct));
    }

    private void WriteHosts(string site)
    {
        var dir = Path.Combine("/etc/netns", Namespace(site));
        Directory.CreateDirectory(dir);
        var lines = new List<string> { "127.0.0.1 localhost" };
        foreach (var other in Options.Sites)
            lines.Add($"{(other == site ? "127.0.0.1" : site == ControlSite ? SiteAddress(other) : RelayAddress(other))} {HostName(other)}");
        File.WriteAllText(Path.Combine(dir, "hosts"), string.Join('\n', lines) + "\n");
        // No DNS inside: a lookup the hosts file does not answer (an IPv6 one) fails at once instead of timing out.
        File.WriteAllText(Path.Combine(dir, "resolv.conf"), "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n");
    }

    private async Task ShapeUplinkAsync(string site)
    {
        var (ns, dev) = (Namespace(site), SiteDevice(site));
        var wan = $"{Options.WanKbit}kbit";
        await InNamespace(ns, "tc", "qdisc", "add", "dev", dev, "root", "handle", "1:", "htb", "default", "20");
        await InNamespace(ns, "tc", "class", "add", "dev", dev, "parent", "1:", "classid", "1:10", "htb", "rate", wan, "ceil", wan);
        await InNamespace(ns, "tc", "class", "add", "dev", dev, "parent", "1:", "classid", "1:20", "htb", "rate", "10gbit");
        foreach (var other in Options.Sites)
            await InNamespace(ns, "tc", "filter", "add", "dev", dev, "parent", "1:", "protocol", "ip", "prio", "1", "u32",
                "match", "ip", "dst", $"{RelayAddress(other)}/32", "flowid", "1:10");
    }

    /// <summary>Bytes and overlimits of a site's WAN class (<c>tc -s class show</c>): what the uplink carried and how often it held packets back.</summary>
    public async Task<(long Bytes, long Overlimits)> UplinkStatsAsync(string site)
    {
        var text = await InNamespace(Namespace(site), "tc", "-s", "class", "show", "dev", SiteDevice(site), "classid", "1:10");
        long After(string word) => long.Parse(text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).SkipWhile(w => w != word).Skip(1).First());
        return (After("Sent"), After("overlimits"));
    }

    private static async Task<int> FreeOctetAsync()
    {
        var used = await Ip("-4", "-o", "addr", "show");
        for (var octet = 200; octet < 250; octet++)
            if (!used.Contains($" 10.{octet}.", StringComparison.Ordinal)) return octet;
        throw new InvalidOperationException("no free 10.200-249 subnet for the emulated fog");
    }

    /// <summary>Removes the namespaces (and their hosts files) of runs whose process is gone.</summary>
    public static async Task RemoveLeftoversAsync()
    {
        foreach (var line in (await Ip("netns", "list")).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var ns = line.Split(' ')[0];
            var x = ns.IndexOf('x');
            if (!ns.StartsWith(Prefix, StringComparison.Ordinal) || x < 0) continue;
            if (!int.TryParse(ns.AsSpan(Prefix.Length, x - Prefix.Length), out var pid) || Directory.Exists($"/proc/{pid}")) continue;
            await RemoveNamespaceAsync(ns);
        }
    }

    private static async Task RemoveNamespaceAsync(string ns)
    {
        // Processes left in the namespace would keep it (and its veth) alive.
        try
        {
            foreach (var pid in (await Ip("netns", "pids", ns)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                await TryAsync("kill", "-9", pid.Trim());
        }
        catch (InvalidOperationException) { }
        await TryAsync("ip", "netns", "del", ns);
        var dir = Path.Combine("/etc/netns", ns);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var relay in _relays) await relay.DisposeAsync();
        foreach (var site in All) await TryAsync("ip", "link", "del", HostDevice(site)); // at once: a deleted namespace frees its veth later
        foreach (var ns in _namespaces) await RemoveNamespaceAsync(ns);
        if (_forwardingBefore is { } before) await TryAsync("sysctl", "-qw", $"net.ipv4.ip_forward={before}");
    }
}

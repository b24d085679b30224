using System.Text.RegularExpressions;
using Speck.Testbed;
using Speck.Testbed.Demo;

// speck-testbed: local sites on loopback for the demo and for trying programs by hand.
//   speck-testbed sites --program DIR [--stack NAME] [--sites edge,cloud] [--no-dynsec] [--ready FILE]
//       starts the sites, writes DIR/Pulumi.<stack>.yaml, touches FILE, and runs until SIGINT/SIGTERM.
//   speck-testbed pubsub --program DIR [--stack NAME] --site NAME --topic T --publish-role R --subscribe-role R
//       proves the roles work: a client given the publish role reaches one given the subscribe role, and the
//       subscriber may not publish.
var opts = Options.Parse(args.Skip(1));
try
{
    return args.FirstOrDefault() switch
    {
        "sites" => await RunSitesAsync(opts),
        "pubsub" => await PubSubCheck.RunAsync(opts.Config(), opts.Required("site"), opts.Required("topic"),
            opts.Required("publish-role"), opts.Required("subscribe-role"), Console.Out),
        _ => Usage(),
    };
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"speck-testbed: {e.Message}");
    return Usage();
}

static async Task<int> RunSitesAsync(Options opts)
{
    var programDir = opts.Required("program");
    var project = Regex.Match(File.ReadAllText(Path.Combine(programDir, "Pulumi.yaml")), @"^name:\s*(\S+)", RegexOptions.Multiline).Groups[1].Value;
    var names = (opts.Get("sites") ?? "edge,cloud").Split(',', StringSplitOptions.RemoveEmptyEntries);
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
    using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM,
        c => { c.Cancel = true; stop.Cancel(); });

    var sites = new List<LocalSite>();
    try
    {
        foreach (var name in names)
        {
            var site = await LocalSite.StartAsync(name, dynsec: !opts.Has("no-dynsec"));
            sites.Add(site);
            Console.WriteLine($"site {name}: broker {site.Broker.Url} (dynsec {(site.Broker.HasDynsec ? "on" : "off")}), engine {site.EngineKind} {site.EngineUrl}");
        }
        var configPath = Path.Combine(programDir, $"Pulumi.{opts.Stack}.yaml");
        await StackConfigFile.WriteAsync(configPath, project, sites);
        Console.WriteLine($"wrote {configPath}");
        if (opts.Get("ready") is { } ready) await File.WriteAllTextAsync(ready, "ready\n");
        await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { });
    }
    finally
    {
        foreach (var s in sites) await s.DisposeAsync();
        Console.WriteLine("sites stopped");
    }
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: speck-testbed sites --program DIR [--stack NAME] [--sites edge,cloud] [--no-dynsec] [--ready FILE]");
    Console.Error.WriteLine("       speck-testbed pubsub --program DIR [--stack NAME] --site NAME --topic T --publish-role R --subscribe-role R");
    return 2;
}

internal sealed class Options
{
    private readonly Dictionary<string, string?> _values = [];

    public static Options Parse(IEnumerable<string> args)
    {
        var o = new Options();
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument '{list[i]}'");
            var key = list[i][2..];
            o._values[key] = i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal) ? list[++i] : null;
        }
        return o;
    }

    public bool Has(string key) => _values.ContainsKey(key);
    public string? Get(string key) => _values.GetValueOrDefault(key);
    public string Required(string key) => Get(key) ?? throw new ArgumentException($"--{key} is required");
    public string Stack => Get("stack") ?? "local";
    public string Config() => Path.Combine(Required("program"), $"Pulumi.{Stack}.yaml");
}

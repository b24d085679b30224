using System.Text.RegularExpressions;
using Speck.Testbed;
using Speck.Testbed.Demo;

// speck-testbed: local sites on loopback for the demo and for trying programs by hand.
//   speck-testbed sites --program DIR [--stack NAME] [--sites edge,cloud] [--no-dynsec] [--ready FILE]
//       starts the sites, writes DIR/Pulumi.<stack>.yaml, touches FILE, and runs until SIGINT/SIGTERM.
//   speck-testbed pubsub --program DIR [--stack NAME] --site NAME --topic T --publish-role R --subscribe-role R
//       proves the roles work: a client given the publish role reaches one given the subscribe role, and the
//       subscriber may not publish.
//   speck-testbed dynsec --program DIR [--stack NAME] --site NAME -- <command...>
//       runs `mosquitto_ctrl dynsec <command>` as the site's admin (changes behind Pulumi's back).
//   speck-testbed traffic (--broker mqtt://H:P | --program DIR [--stack NAME] --site NAME) --topic T --count N
//       [--rate R] [--malformed 0.1] [--seed S] [--sensors S01,S02] [--prefix V] [--start-ts MS]
//       [--publish-role R | --username U --password P] [--report FILE]
//       replays road-traffic detections (some malformed) and reports exactly what it sent.
//   speck-testbed road-traffic --program DIR [--stack NAME] --roles JSON --jobs JSON [--previous-jobs JSON]
//       [--seconds S] [--rate R] [--malformed 0.1] [--title T]
//       drives traffic into examples/road-traffic's edges and prints what every job did, with statistics.
//   speck-testbed typescript-program --source DIR --into DIR
//       a working copy of a TypeScript program with node_modules as `npm install` leaves it (sdk/nodejs built).
var opts = Options.Parse(args.Skip(1).TakeWhile(a => a != "--"));
try
{
    return args.FirstOrDefault() switch
    {
        "sites" => await RunSitesAsync(opts),
        "pubsub" => await PubSubCheck.RunAsync(opts.Config(), opts.Required("site"), opts.Required("topic"),
            opts.Required("publish-role"), opts.Required("subscribe-role"), Console.Out),
        "dynsec" => await RunDynsecAsync(opts, args.SkipWhile(a => a != "--").Skip(1).ToArray()),
        "road-traffic" => await RoadTrafficDrive.RunAsync(new(opts.Config(), Json(opts.Required("roles")), Json(opts.Required("jobs")),
            opts.Get("previous-jobs") is { } p ? Json(p) : null, Num(opts, "seconds", 15), Num(opts, "rate", 10), Num(opts, "malformed", 0.1),
            opts.Get("title") ?? "road-traffic"), Spectre.Console.AnsiConsole.Console),
        "traffic" => await Speck.Testbed.Traffic.TrafficCommand.RunAsync(await TrafficArgsAsync(opts), Console.Out),
        "typescript-program" => await TypeScriptProgramAsync(opts.Required("source"), opts.Required("into")),
        _ => Usage(),
    };
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"speck-testbed: {e.Message}");
    return Usage();
}

static async Task<int> TypeScriptProgramAsync(string source, string into)
{
    await Speck.Testbed.Demo.TypeScriptProgram.CreateAsync(source, into);
    return 0;
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

// An operator's change behind Pulumi's back, e.g. `dynsec ... -- deleteRole speck-pub-...`.
static async Task<int> RunDynsecAsync(Options opts, string[] command)
{
    var (broker, password) = await PubSubCheck.SiteBrokerAsync(opts.Config(), opts.Required("site"));
    Console.Write(await Speck.Testbed.Mosquitto.MosquittoCtrl.DynsecAsync(broker.Host, broker.Port, "admin", password, command));
    return 0;
}

static async Task<Speck.Testbed.Traffic.TrafficCommand.Arguments> TrafficArgsAsync(Options o)
{
    var (broker, admin) = o.Has("site") ? await PubSubCheck.SiteBrokerAsync(o.Config(), o.Required("site")) : (new Uri(o.Required("broker")), null);
    double Get(string key, double fallback) => Num(o, key, fallback);
    return new(broker, o.Required("topic"), (int)Get("count", 100), Get("rate", 0), Get("malformed", 0), (int)Get("seed", 7),
        (o.Get("sensors") ?? "S01,S02,S03,S04").Split(','), o.Get("prefix") ?? o.Get("site") ?? "V",
        o.Get("start-ts") is { } ts ? long.Parse(ts, System.Globalization.CultureInfo.InvariantCulture) : null,
        o.Get("username"), o.Get("password"), admin, o.Get("publish-role"), o.Get("report"));
}

static System.Text.Json.Nodes.JsonObject Json(string text) => System.Text.Json.Nodes.JsonNode.Parse(text)!.AsObject();

static double Num(Options o, string key, double fallback) =>
    o.Get(key) is { } v ? double.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;

static int Usage()
{
    Console.Error.WriteLine("usage: speck-testbed sites --program DIR [--stack NAME] [--sites edge,cloud] [--no-dynsec] [--ready FILE]");
    Console.Error.WriteLine("       speck-testbed pubsub --program DIR [--stack NAME] --site NAME --topic T --publish-role R --subscribe-role R");
    Console.Error.WriteLine("       speck-testbed dynsec --program DIR [--stack NAME] --site NAME -- <mosquitto_ctrl dynsec command>");
    Console.Error.WriteLine("       speck-testbed traffic (--broker URL | --program DIR --site NAME) --topic T --count N [--rate R] [--malformed 0.1] ...");
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

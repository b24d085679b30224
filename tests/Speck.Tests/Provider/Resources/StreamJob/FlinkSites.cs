using System.IO.Compression;
using Speck.FlinkStandIn;
using Speck.FlinkStandIn.Jars;
using Speck.Host.Resources;
using Speck.Host.Values;
using Speck.Tests.Provider.Resources;
using static Speck.Tests.Provider.Resources.ResourceDriver;
using static Speck.Tests.Provider.Resources.EngineElision;

namespace Speck.Tests.Provider.Resources.StreamJob;

/// <summary>
/// Several Flink stand-ins (one per site, sharing a savepoint directory as real sites would share object storage),
/// jars built on disk, and a driver that plays the engine's calls against the StreamJob resource.
/// </summary>
public sealed class FlinkSites : IAsyncDisposable
{
    public const string Type = "speck:index:StreamJob";
    public const string V1 = "org.example.speck.Filter";
    public const string V2 = "org.example.speck.FilterV2";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "speck-streamjob-" + Guid.NewGuid().ToString("N")[..8]);

    private FlinkSites(List<Speck.FlinkStandIn.FlinkStandIn> sites)
    {
        Sites = sites;
        Directory.CreateDirectory(SavepointDir);
    }

    public IReadOnlyList<Speck.FlinkStandIn.FlinkStandIn> Sites { get; }
    public ResourceDriver Driver { get; } = new();
    public string SavepointDir => Path.Combine(_root, "savepoints");
    public IResourceHandler Handler => Driver.Handler(Type);

    public static async Task<FlinkSites> StartAsync(int count = 1, FlinkStandInOptions? options = null)
    {
        var sites = new List<Speck.FlinkStandIn.FlinkStandIn>();
        for (var i = 0; i < count; i++)
        {
            var s = new Speck.FlinkStandIn.FlinkStandIn(options);
            await s.StartAsync();
            sites.Add(s);
        }
        return new FlinkSites(sites);
    }

    public static string SiteName(int i) => $"site{i}";

    public PropertyValue Site(int i, string kind = "flink") => Obj(
        ("siteName", S(SiteName(i))), ("tier", S("fog")),
        ("spe", Obj(("kind", S(kind)), ("url", S(Sites[i].BaseUrl)))),
        ("broker", Obj(("kind", S("mqtt")), ("url", S($"mqtt://127.0.0.{i + 1}:1883")))));

    public static PropertyValue Topic(int site, string name) => Obj(
        ("siteName", S(SiteName(site))), ("name", S(name)),
        ("broker", Obj(("kind", S("mqtt")), ("url", S($"mqtt://127.0.0.{site + 1}:1883")))));

    /// <summary>
    /// A jar whose manifest names <paramref name="entryClass"/>. Another <paramref name="version"/> is other content
    /// (so another hash) with the same operators, as a new build of the same program would be.
    /// </summary>
    public string Jar(string entryClass = V1, int version = 1)
    {
        Directory.CreateDirectory(_root);
        var path = Path.Combine(_root, $"{entryClass.Split('.')[^1].ToLowerInvariant()}-{version}.jar");
        if (File.Exists(path)) return path;
        File.WriteAllBytes(path, TestJar.Build(entryClass));
        if (version != 1)
            using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
            using (var note = new StreamWriter(zip.CreateEntry("speck-build.txt").Open()))
                note.Write($"build {version}");
        return path;
    }

    /// <summary>
    /// The jar as a file asset, as the engine hands it to Check, Create and Update's new inputs: path and hash (the
    /// engine computes an asset's hash, the sha256 of its bytes, when the program registers it).
    /// </summary>
    public PropertyValue JarAsset(string entryClass = V1, int version = 1, string? copyTo = null)
    {
        var path = Jar(entryClass, version);
        if (copyTo is not null)
        {
            path = Path.Combine(_root, copyTo);
            File.Copy(Jar(entryClass, version), path, overwrite: true);
        }
        return PropertyValue.Of(new AssetValue(Sha256(path), null, path, null));
    }

    public static string Sha256(string path) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary><see cref="Job"/> with its jar given as an <c>artifact</c> file asset instead of <c>jarPath</c>.</summary>
    public PropertyMap AssetJob(int site = 0, string entryClass = V1, int version = 1, string? copyTo = null, params (string Key, PropertyValue Value)[] extra) =>
        Job(site, entryClass, version, extra).Without("jarPath").With("artifact", JarAsset(entryClass, version, copyTo));

    /// <summary>Inputs of a job reading <c>in</c> on site 0 and writing <c>out</c> on site 0, run on <paramref name="site"/>.</summary>
    public PropertyMap Job(int site = 0, string entryClass = V1, int version = 1, params (string Key, PropertyValue Value)[] extra)
    {
        var fields = new List<(string, PropertyValue)>
        {
            ("site", Site(site)), ("jarPath", S(Jar(entryClass, version))), ("entryClass", S(entryClass)),
            ("sources", PropertyValue.Of([Topic(0, "in")])), ("sink", Topic(0, "out")),
            ("savepointDirectory", S(SavepointDir)),
        };
        foreach (var (k, v) in extra)
        {
            fields.RemoveAll(f => f.Item1 == k);
            fields.Add((k, v));
        }
        return Map([.. fields]);
    }

    public ResourceContext Ctx(string name, string id = "", TimeSpan? timeout = null, CancellationToken cancelled = default) =>
        new()
        {
            Urn = $"urn:pulumi:test::speck::{Type}::{name}",
            Name = name,
            Type = Type,
            Id = id,
            Timeout = timeout,
            Log = Driver.Context(Type, name).Log,
            StatusAfter = Driver.StatusAfter,
            StatusEvery = Driver.StatusEvery,
            CancellationToken = cancelled,
        };

    public async Task<PropertyMap> CheckAsync(string name, PropertyMap news) => await Driver.CheckAsync(Type, name, news);

    /// <summary>The engine's Create: Check then Create; returns the recorded inputs and outputs.</summary>
    public async Task<Deployed> CreateAsync(string name, PropertyMap news, TimeSpan? timeout = null)
    {
        var inputs = await CheckAsync(name, news);
        var created = await Handler.CreateAsync(Ctx(name, timeout: timeout), inputs);
        return new Deployed(name, created.Id, inputs, created.Outputs);
    }

    /// <summary>The engine's Diff: Check, then Diff, with the old and new properties' assets elided to their hash.</summary>
    public async Task<DiffOutcome> DiffAsync(Deployed d, PropertyMap news) =>
        await Handler.DiffAsync(Ctx(d.Name, d.Id), Elide(d.Outputs), Elide(d.Inputs), Elide(await CheckAsync(d.Name, news)), []);

    /// <summary>The engine's Update: Check, then Update (old assets elided); returns what the engine would record.</summary>
    public async Task<Deployed> UpdateAsync(Deployed d, PropertyMap news, TimeSpan? timeout = null)
    {
        var inputs = await CheckAsync(d.Name, news);
        var outputs = await Handler.UpdateAsync(Ctx(d.Name, d.Id, timeout), Elide(d.Outputs), Elide(d.Inputs), inputs);
        return d with { Inputs = inputs, Outputs = outputs };
    }

    public async Task<Deployed?> ReadAsync(Deployed d)
    {
        var read = await Handler.ReadAsync(Ctx(d.Name, d.Id), Elide(d.Outputs), Elide(d.Inputs));
        return read is null ? null : d with { Inputs = read.Inputs, Outputs = read.Outputs };
    }

    public Task DeleteAsync(Deployed d) => Handler.DeleteAsync(Ctx(d.Name, d.Id), Elide(d.Outputs), Elide(d.Inputs));

    public async ValueTask DisposeAsync()
    {
        foreach (var s in Sites) await s.DisposeAsync();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}

/// <summary>What the engine records for a resource: its ID, inputs and outputs.</summary>
public sealed record Deployed(string Name, string Id, PropertyMap Inputs, PropertyMap Outputs)
{
    public string JobId => Outputs["jobId"].AsString;
    public string State => Outputs["state"].AsString;
    public string? LastSavepoint => Outputs.Get("lastSavepoint") is { IsNull: false } v ? v.AsString : null;
}

public static class FlinkSitesDiff
{
    /// <summary>The top-level properties a diff reports as changed.</summary>
    public static async Task<List<string>> DiffChanges(this FlinkSites w, Deployed d, PropertyMap news) =>
        (await w.DiffAsync(d, news)).Detailed.Keys.Select(DiffOutcome.TopLevel).Distinct().ToList();
}

using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Speck.Harness;

namespace Speck.Testbed.Fog;

/// <summary>Where the road-traffic pipeline's Job 3 (local statistics) runs: at each edge, or in the cloud.</summary>
public enum Placement { Fog, Cloud }

/// <summary>
/// examples/road-traffic on the emulated fog, deployed as a user would: a copy of the program, a stack file with the
/// sites' host-name URLs (secrets as <c>secure:</c> values), and <c>speck-engine</c> (the stand-in for the pulumi
/// CLI) run inside the control namespace, so it and the provider resolve the sites directly. The placement of Job 3
/// changes by editing the program's <c>site</c> of each <c>localStatsJob</c> and running <c>up</c> again.
/// </summary>
public sealed class FogDeployment : IDisposable
{
    public const string Project = "road-traffic", Stack = "fog";
    private readonly string _passphrase = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    private FogDeployment(FogSites sites, string engine, string provider, string program) =>
        (Sites, _engine, _provider, Directory) = (sites, engine, provider, program);

    private readonly string _engine, _provider;
    public FogSites Sites { get; }
    public string Directory { get; }
    public Placement Placement { get; private set; } = Placement.Fog;

    /// <param name="example">examples/road-traffic/Pulumi.yaml of the repository.</param>
    /// <param name="engine">The speck-engine executable; <paramref name="provider"/> the provider binary it starts.</param>
    public static async Task<FogDeployment> CreateAsync(FogSites sites, string example, string engine, string provider)
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("speck-fog-").FullName;
        File.Copy(example, Path.Combine(dir, "Pulumi.yaml"));
        Demo.ExampleFunctions.CopyInto(Path.GetDirectoryName(example)!, dir);
        var deployment = new FogDeployment(sites, engine, provider, dir);
        await StackConfigFile.WriteAsync(Path.Combine(dir, $"Pulumi.{Stack}.yaml"), Project, [], sites.Config(), deployment._passphrase);
        return deployment;
    }

    /// <summary>Rewrites the program so each edge's Job 3 runs where <paramref name="placement"/> says (its topics stay on the edge).</summary>
    public void Place(Placement placement)
    {
        var path = Path.Combine(Directory, "Pulumi.yaml");
        var lines = File.ReadAllLines(path);
        string? edge = null;
        for (var i = 0; i < lines.Length; i++)
        {
            if (Regex.Match(lines[i], @"^  (\w+):") is { Success: true } resource)
                edge = Regex.Match(resource.Groups[1].Value, @"^localStatsJob(\d+)$") is { Success: true } job ? "edge" + job.Groups[1].Value : null;
            else if (edge is not null && lines[i].StartsWith("      site:", StringComparison.Ordinal))
                lines[i] = $"      site: ${{{(placement == Placement.Fog ? edge : "cloud")}.connection}}";
        }
        File.WriteAllLines(path, lines);
        Placement = placement;
    }

    /// <summary>Runs <c>speck-engine COMMAND</c> in the control namespace; throws with its output when it fails.</summary>
    public async Task<string> EngineAsync(string command, CancellationToken ct = default)
    {
        var start = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "netns", "exec", Sites.Network.ControlNamespace, _engine, command, "--cwd", Directory, "--stack", Stack, "--provider", _provider, "--yes" })
            start.ArgumentList.Add(a);
        start.Environment["PULUMI_CONFIG_PASSPHRASE"] = _passphrase;
        using var p = Process.Start(start) ?? throw new InvalidOperationException("could not start speck-engine");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(5));
        try { await p.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"speck-engine {command} did not finish within 5 minutes");
        }
        var output = await stdout + await stderr;
        return p.ExitCode == 0 ? output : throw new InvalidOperationException($"speck-engine {command} failed (exit {p.ExitCode}):\n{output}");
    }

    /// <summary>The stack's outputs from the state, as <c>pulumi stack output --json</c> would give them.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Outputs() =>
        new Stack(new StackOptions { ProgramDirectory = Directory, Stack = Stack, ProviderBinary = "" }).LoadState().Outputs
            .ToDictionary(kv => kv.Key, kv => kv.Value);

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}

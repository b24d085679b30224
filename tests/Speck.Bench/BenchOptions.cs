namespace Speck.Bench;

public sealed record BenchOptions
{
    public required string JitProvider { get; init; }
    public required string AotProvider { get; init; }
    public string Out { get; init; } = "docs/benchmarks.md";
    public int Runs { get; init; } = 10;
    /// <summary>The whole run stops after this, whatever is left: every loop is bounded in count and time.</summary>
    public int MaxMinutes { get; init; } = 40;

    public string OutDir => Path.GetDirectoryName(Path.GetFullPath(Out))!;

    public static BenchOptions Parse(string[] args)
    {
        string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        return new BenchOptions
        {
            JitProvider = Arg("--jit") ?? throw new ArgumentException("--jit <provider binary> is required"),
            AotProvider = Arg("--aot") ?? throw new ArgumentException("--aot <provider binary> is required"),
            Out = Arg("--out") ?? "docs/benchmarks.md",
            Runs = int.TryParse(Arg("--runs"), out var r) ? r : 10,
            MaxMinutes = int.TryParse(Arg("--max-minutes"), out var m) ? m : 40,
        };
    }
}

namespace Speck.Bench;

public sealed record BenchOptions
{
    /// <summary>The JIT build (<c>dotnet build</c>); null skips the start-up comparison.</summary>
    public string? JitProvider { get; init; }
    /// <summary>The NativeAOT build (<c>make provider</c>): the one chains run against, as users would.</summary>
    public string? AotProvider { get; init; }
    public string Out { get; init; } = "docs/benchmarks.md";
    public int Runs { get; init; } = 10;
    public IReadOnlyList<int> Sizes { get; init; } = [1, 10, 25, 50, 100];
    public int Sites { get; init; } = 6;
    public double RttMs { get; init; } = 18.6;
    /// <summary>The engine's parallelism: the CLI's default (<c>PULUMI_PARALLEL</c>, else 4 × processors), as users run it.</summary>
    public int Parallel { get; init; } = Speck.Harness.StackOptions.DefaultParallel();
    /// <summary>
    /// A raised parallelism (<c>--parallel N</c> or <c>PULUMI_PARALLEL</c>), as users of wide programs set it: 256 is at
    /// least every resource of the longest chain (100 jobs, 101 topics, 6 sites), so no Create waits for a slot.
    /// Runs at it take turns with the default's; not measured when it is no raise (<see cref="MeasuresRaised"/>).
    /// </summary>
    public int RaisedParallel { get; init; } = 256;
    public bool MeasuresRaised => RaisedParallel > Parallel;
    /// <summary>Sizes also run one resource at a time, taking turns with the parallel runs.</summary>
    public IReadOnlyList<int> SequentialSizes { get; init; } = [1, 10, 25, 50, 100];
    public int SequentialRuns { get; init; } = 3;
    /// <summary>The whole run stops after this, whatever is left: every loop is bounded in count and time.</summary>
    public int MaxMinutes { get; init; } = 24;
    /// <summary>Real Node-RED sites for the Node-RED chains (0 skips them).</summary>
    public int NodeRedSites { get; init; } = 3;
    public IReadOnlyList<int> NodeRedSizes { get; init; } = [1, 10, 25, 50, 100];
    public int NodeRedRuns { get; init; } = 3;
    /// <summary>The Node-RED chains' own limit, so the Flink chains running out of time still leave them measured.</summary>
    public int NodeRedMaxMinutes { get; init; } = 5;
    /// <summary>The load section's sizes (jobs over <see cref="LoadSites"/> Flink sites); empty skips it.</summary>
    public IReadOnlyList<int> LoadSizes { get; init; } = [100, 300, 1000];
    public int LoadSites { get; init; } = 20;
    /// <summary>Sizes run once more with the harness's checkpoints on, for their own cost (quadratic: kept small).</summary>
    public IReadOnlyList<int> LoadCheckpointSizes { get; init; } = [100, 300];
    /// <summary>The load section's own limit, like the Node-RED chains'.</summary>
    public int LoadMaxMinutes { get; init; } = 25;
    /// <summary><c>--load</c>: the load section alone (<c>make bench-load</c>), into its own report.</summary>
    public bool LoadOnly { get; init; }
    /// <summary><c>--startup</c>: the start-up section alone (with <c>--load</c>: both), into its own report.</summary>
    public bool StartupOnly { get; init; }
    /// <summary>A line under the report's heading (how this run was built, when that differs from `make bench`).</summary>
    public string? Note { get; init; }

    public string OutDir => Path.GetDirectoryName(Path.GetFullPath(Out))!;
    public string ChainProvider => AotProvider ?? JitProvider ?? throw new ArgumentException("--aot or --jit is required");

    /// <summary>Quick mode: few runs and small chains, to see that everything works.</summary>
    public BenchOptions Quick() => this with
    {
        Runs = 2,
        Sizes = [1, 10, 25],
        SequentialSizes = [1, 10],
        SequentialRuns = 1,
        MaxMinutes = 10,
        NodeRedSizes = [1, 10],
        NodeRedRuns = 2,
        NodeRedMaxMinutes = 3,
        LoadSizes = [10, 30],
        LoadCheckpointSizes = [10],
        LoadSites = 4,
        LoadMaxMinutes = 3
    };

    public static BenchOptions Parse(string[] args)
    {
        string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        static IReadOnlyList<int> Ints(string s) => s.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
        var o = new BenchOptions { JitProvider = Arg("--jit"), AotProvider = Arg("--aot") };
        if (o.JitProvider is null && o.AotProvider is null) throw new ArgumentException("--jit <provider binary> or --aot <provider binary> is required");
        if (args.Contains("--quick")) o = o.Quick();
        return o with
        {
            Out = Arg("--out") ?? o.Out,
            Runs = Arg("--runs") is { } r ? int.Parse(r) : o.Runs,
            Sizes = Arg("--sizes") is { } s ? Ints(s) : o.Sizes,
            Sites = Arg("--sites") is { } n ? int.Parse(n) : o.Sites,
            SequentialSizes = Arg("--seq-sizes") is { } q ? Ints(q) : o.SequentialSizes,
            SequentialRuns = Arg("--seq-runs") is { } qr ? int.Parse(qr) : o.SequentialRuns,
            Parallel = Arg("--parallel") is { } pa ? int.Parse(pa) : o.Parallel,
            RaisedParallel = Arg("--raised-parallel") is { } rp ? int.Parse(rp) : o.RaisedParallel,
            MaxMinutes = Arg("--max-minutes") is { } m ? int.Parse(m) : o.MaxMinutes,
            NodeRedSites = Arg("--nodered-sites") is { } ns ? int.Parse(ns) : o.NodeRedSites,
            NodeRedSizes = Arg("--nodered-sizes") is { } nz ? Ints(nz) : o.NodeRedSizes,
            NodeRedRuns = Arg("--nodered-runs") is { } nr ? int.Parse(nr) : o.NodeRedRuns,
            NodeRedMaxMinutes = Arg("--nodered-max-minutes") is { } nm ? int.Parse(nm) : o.NodeRedMaxMinutes,
            LoadSizes = Arg("--load-sizes") is { } ls ? Ints(ls) : o.LoadSizes,
            LoadCheckpointSizes = Arg("--load-checkpoint-sizes") is { } lc ? Ints(lc) : o.LoadCheckpointSizes,
            LoadSites = Arg("--load-sites") is { } lt ? int.Parse(lt) : o.LoadSites,
            LoadMaxMinutes = Arg("--load-max-minutes") is { } lm ? int.Parse(lm) : o.LoadMaxMinutes,
            LoadOnly = args.Contains("--load"),
            StartupOnly = args.Contains("--startup"),
            Note = Arg("--note"),
        };
    }
}

using System.Diagnostics;

namespace Speck.Host.Resources;

/// <summary>
/// Tells the user what a long operation is waiting for, the way Pulumi's CLI shows a provider's status: ephemeral
/// engine log lines, shown in the resource's row of the progress display and not kept in the final output
/// (docs/pulumi-engine.md, "Status lines"). A wait shorter than <see cref="First"/> shows nothing.
/// </summary>
public sealed class WaitProgress(Func<string, Task>? status, string where, TimeSpan first, TimeSpan every)
{
    /// <summary>Reports nothing: for callers outside a resource operation (probes, tests of a binder alone).</summary>
    public static WaitProgress None { get; } = new(null, "", TimeSpan.Zero, TimeSpan.Zero);

    public TimeSpan First => first;
    public TimeSpan Every => every;

    /// <summary>
    /// Starts reporting "waiting for <paramref name="what"/> on …: N s so far" until the returned handle is
    /// disposed. <paramref name="what"/> names the thing awaited ("Flink job 1a2b… to run its tasks").
    /// </summary>
    public IDisposable Begin(string what)
    {
        if (status is null) return Stopped.Instance;
        var stop = new CancellationTokenSource();
        _ = ReportAsync(what, stop.Token);
        return new Stopper(stop);
    }

    /// <summary>The same reporter for a narrower place (a job on a site).</summary>
    public WaitProgress At(string place) => status is null ? this : new(status, $" {place}", first, every);

    private async Task ReportAsync(string what, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await Task.Delay(first, ct);
            while (!ct.IsCancellationRequested)
            {
                await status!($"waiting for {what}{where}: {clock.Elapsed.TotalSeconds:0} s so far");
                await Task.Delay(every, ct);
            }
        }
        catch (OperationCanceledException) { }
        catch (Exception) { } // a status line is never worth failing or crashing an operation for
    }

    private sealed class Stopper(CancellationTokenSource stop) : IDisposable
    {
        public void Dispose()
        {
            stop.Cancel();
            stop.Dispose();
        }
    }

    private sealed class Stopped : IDisposable
    {
        public static readonly Stopped Instance = new();
        public void Dispose() { }
    }
}

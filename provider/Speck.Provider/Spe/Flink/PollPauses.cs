using System.Diagnostics;

namespace Speck.Provider.Spe.Flink;

/// <summary>
/// Pauses between polls of a state Flink reaches on its own (a job running, ending, a savepoint done): each pause is an
/// eighth of the time waited so far, within [<paramref name="shortest"/>, <paramref name="longest"/>]. A change is
/// so seen at most a pause late: 25 ms for the first 200 ms (a job the scheduler starts in 150 ms is not left
/// waiting for a pause grown to 125 ms, as a ×1.5 series from 25 ms leaves it), at most an eighth of the wait after that,
/// while a job taking seconds or minutes still costs few requests (about 8 per doubling of the wait, then one per
/// <paramref name="longest"/>).
/// </summary>
internal sealed class PollPauses(TimeSpan shortest, TimeSpan longest)
{
    private readonly long _start = Stopwatch.GetTimestamp();

    public static PollPauses ForFlink() => new(TimeSpan.FromMilliseconds(25), TimeSpan.FromMilliseconds(500));

    public TimeSpan Next()
    {
        var eighth = Stopwatch.GetElapsedTime(_start) / 8;
        return eighth < shortest ? shortest : eighth > longest ? longest : eighth;
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Speck.Testbed.Fog;

/// <summary>
/// A TCP relay that holds every chunk it carries for a fixed time before passing it on, in both directions: the WAN's
/// propagation delay, since this kernel has no netem qdisc. Order is kept (one queue per direction); a chunk waits
/// <see cref="Delay"/> from the moment it was read, so a steady stream keeps its rate and gains only latency.
/// Outbound connections leave from the listening address, so the site's answers go back to it (and through the
/// site's WAN class). Queues are bounded (backpressure, not memory) and every pump stops with the relay.
/// </summary>
public sealed class DelayRelay : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = [];
    private readonly Task _accepting;
    private long _bytes, _connections;

    private DelayRelay(TcpListener listener, IPEndPoint target, TimeSpan delay)
    {
        (_listener, _target, Delay) = (listener, target, delay);
        _accepting = AcceptAsync();
    }

    public TimeSpan Delay { get; }
    public IPEndPoint Listening => (IPEndPoint)_listener.LocalEndpoint;
    public IPEndPoint Target => _target;

    /// <summary>Bytes carried so far, both directions.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    public long Connections => Interlocked.Read(ref _connections);

    public static Task<DelayRelay> StartAsync(IPEndPoint listen, IPEndPoint target, TimeSpan delay, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        var listener = new TcpListener(listen);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start(128);
        return Task.FromResult(new DelayRelay(listener, target, delay));
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket inbound;
            try { inbound = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            Interlocked.Increment(ref _connections);
            lock (_pumps)
            {
                _pumps.RemoveAll(t => t.IsCompleted);
                _pumps.Add(CarryAsync(inbound));
            }
        }
    }

    private async Task CarryAsync(Socket inbound)
    {
        using var _ = inbound;
        using var outbound = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        inbound.NoDelay = true;
        using var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        try
        {
            outbound.Bind(new IPEndPoint(Listening.Address, 0));
            await outbound.ConnectAsync(_target, done.Token);
            await Task.WhenAny(PumpAsync(inbound, outbound, done.Token), PumpAsync(outbound, inbound, done.Token));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { }
        finally
        {
            await done.CancelAsync(); // one side closed: close the other too, as a router would not, but a relay must
        }
    }

    private async Task PumpAsync(Socket from, Socket to, CancellationToken ct)
    {
        var queue = Channel.CreateBounded<(long Due, byte[] Data)>(new BoundedChannelOptions(4096) { SingleReader = true, SingleWriter = true });
        var writer = Task.Run(async () =>
        {
            await foreach (var (due, data) in queue.Reader.ReadAllAsync(ct))
            {
                var wait = due - Stopwatch.GetTimestamp();
                if (wait > 0) await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), ct);
                await to.SendAsync(data, SocketFlags.None, ct);
                Interlocked.Add(ref _bytes, data.Length);
            }
        }, ct);
        try
        {
            var buffer = new byte[64 * 1024];
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, ct);
                if (n == 0) break;
                var due = Stopwatch.GetTimestamp() + (long)(Delay.TotalSeconds * Stopwatch.Frequency);
                await queue.Writer.WriteAsync((due, buffer[..n]), ct);
            }
        }
        finally
        {
            queue.Writer.TryComplete();
        }
        await writer; // deliver what was read before the close
        to.Shutdown(SocketShutdown.Send);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] pumps;
        lock (_pumps) pumps = [.. _pumps];
        try { await Task.WhenAll(pumps).WaitAsync(TimeSpan.FromSeconds(5)); }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException) { }
        _stop.Dispose();
    }
}

using System.Collections.Concurrent;
using System.Net.Sockets;

namespace Speck.Provider.Spe;

/// <summary>One HTTP connection pool per engine endpoint, shared by every resource on that site.</summary>
public sealed class SiteHttp : IDisposable
{
    private readonly ConcurrentDictionary<string, HttpClient> _clients = new(StringComparer.Ordinal);
    private readonly SocketsHttpHandler _handler = new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(10),
    };

    public HttpClient For(string baseUrl) => _clients.GetOrAdd(baseUrl.TrimEnd('/') + "/", url =>
        new HttpClient(_handler, disposeHandler: false) { BaseAddress = new Uri(url), Timeout = Timeout.InfiniteTimeSpan });

    /// <summary>Runs a probe and turns network failures into one readable sentence.</summary>
    public static async Task<T> ProbeAsync<T>(string engine, string url, Func<Task<T>> probe)
    {
        try
        {
            return await probe();
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException s)
        {
            throw new EndpointUnreachableException($"{engine} at {url} is unreachable: {s.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.HostNotFound => "host not found",
                _ => s.Message,
            }}", e);
        }
        catch (HttpRequestException e)
        {
            throw new EndpointUnreachableException($"{engine} at {url}: {e.Message}", e);
        }
        catch (OperationCanceledException e)
        {
            throw new EndpointUnreachableException($"{engine} at {url} did not answer in time", e);
        }
    }

    public void Dispose()
    {
        foreach (var c in _clients.Values) c.Dispose();
        _handler.Dispose();
    }
}

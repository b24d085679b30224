using Speck.Provider.Model;
using Speck.Host;
using Speck.Host.Resources;
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

    /// <summary>
    /// The client for an engine's base URL. Check refuses anything but http(s) in <c>spe.url</c>; recorded state
    /// (hand-edited, or from an import) has not passed Check, so the URL is refused here by name too.
    /// </summary>
    public HttpClient For(string baseUrl)
    {
        if (!Uri.TryCreate(baseUrl.TrimEnd('/') + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw ProviderException.Invalid($"spe.url '{Excerpt.Of(baseUrl)}' is not an http or https URL");
        return _clients.GetOrAdd(uri.OriginalString, _ =>
            new HttpClient(_handler, disposeHandler: false) { BaseAddress = uri, Timeout = Timeout.InfiniteTimeSpan });
    }

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

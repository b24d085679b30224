using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Speck.FlinkStandIn.Http;

/// <summary>A route the stand-in serves, in Flink's own template form (<c>/jobs/{jobid}</c>), without the <c>/v1</c> prefix.</summary>
public sealed record RouteInfo(string Method, string Template);

/// <summary>What a handler answers: a status and a JSON body.</summary>
public sealed record FlinkResponse(int Status, JsonNode Body)
{
    public static FlinkResponse Ok(JsonNode body) => new(200, body);
    public static FlinkResponse Accepted(JsonNode body) => new(202, body);
}

/// <summary>One matched request: the HTTP context and the path parameters, already validated.</summary>
public sealed class FlinkRequest(HttpContext http, IReadOnlyDictionary<string, string> path)
{
    public HttpContext Http { get; } = http;
    public string Path(string name) => path[name];
    public string? Query(string name) => Http.Request.Query.TryGetValue(name, out var v) && v.Count > 0 ? v[^1] : null;
    public CancellationToken Aborted => Http.RequestAborted;
}

/// <summary>
/// Flink's router: method and path are matched together, so a wrong method on a known path is also
/// "Not found" (docs/flink-rest.md §Error bodies). Every route also answers under <c>/v1</c>. Path parameters named
/// <c>jobid</c> / <c>triggerid</c> must be 32 hex characters, else 400 before the handler runs.
/// </summary>
public sealed class Router
{
    private static readonly HashSet<string> HexParameters = ["jobid", "triggerid"];
    private readonly List<(RouteInfo Info, string[] Segments, Func<FlinkRequest, Task<FlinkResponse>> Handler)> _routes = [];

    public IReadOnlyList<RouteInfo> Routes => _routes.Select(r => r.Info).ToList();

    public void Add(string method, string template, Func<FlinkRequest, Task<FlinkResponse>> handler) =>
        _routes.Add((new RouteInfo(method, template), template.Trim('/').Split('/'), handler));

    public void Add(string method, string template, Func<FlinkRequest, FlinkResponse> handler) =>
        Add(method, template, r => Task.FromResult(handler(r)));

    /// <summary>Finds the handler, or throws Flink's 404 / 400 answer.</summary>
    public (Func<FlinkRequest, Task<FlinkResponse>> Handler, FlinkRequest Request) Match(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "/";
        if (path == "/v1" || path.StartsWith("/v1/", StringComparison.Ordinal)) path = path[3..];
        var segments = path.Trim('/').Split('/');
        // A literal segment wins over a parameter, as in Flink's router (/jobs/overview is not /jobs/{jobid}).
        foreach (var (info, template, handler) in _routes.OrderBy(r => r.Segments.Count(s => s.StartsWith('{'))))
        {
            if (!string.Equals(info.Method, http.Request.Method, StringComparison.OrdinalIgnoreCase)) continue;
            if (!TryBind(template, segments, out var parameters)) continue;
            foreach (var (name, value) in parameters.ToList())
            {
                if (!HexParameters.Contains(name)) continue;
                if (!FlinkIds.TryParse(value, out var id)) throw FlinkRestException.BadPathParameter(name, value);
                parameters[name] = id;
            }
            return (handler, new FlinkRequest(http, parameters));
        }
        throw FlinkRestException.RouteNotFound(http.Request.Path.Value + http.Request.QueryString.Value);
    }

    private static bool TryBind(string[] template, string[] segments, out Dictionary<string, string> parameters)
    {
        parameters = [];
        if (template.Length != segments.Length) return false;
        for (var i = 0; i < template.Length; i++)
        {
            var t = template[i];
            if (t.StartsWith('{') && t.EndsWith('}'))
            {
                if (segments[i].Length == 0) return false;
                parameters[t[1..^1]] = Uri.UnescapeDataString(segments[i]);
            }
            else if (!string.Equals(t, segments[i], StringComparison.Ordinal)) return false;
        }
        return true;
    }
}

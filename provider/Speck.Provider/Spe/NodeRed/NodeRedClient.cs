using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Speck.Provider.Spe.NodeRed;

public sealed record NodeRedSettings
{
    [JsonPropertyName("version")] public string? Version { get; init; }
    [JsonPropertyName("httpNodeRoot")] public string? HttpNodeRoot { get; init; }
}

internal sealed record NodeRedToken
{
    [JsonPropertyName("access_token")] public required string AccessToken { get; init; }
    [JsonPropertyName("expires_in")] public int ExpiresIn { get; init; }
}

[JsonSerializable(typeof(NodeRedSettings))]
[JsonSerializable(typeof(NodeRedToken))]
internal sealed partial class NodeRedJsonContext : JsonSerializerContext;

/// <summary>
/// Node-RED's Admin API (docs/nodered.md §Admin API). Authenticates with a bearer token given by the site, or trades
/// the site's username and password for one at <c>/auth/token</c> (adminAuth) once, and again only after a 401: a
/// failed login is never retried, because the sixth failure locks the user out for ten minutes (§Login and lockout).
/// </summary>
public sealed class NodeRedClient(HttpClient http, string? token = null, string? username = null, string? password = null)
{
    private string? _token = token;
    private readonly bool _canLogin = username is not null && password is not null;

    public async Task<NodeRedSettings> GetSettingsAsync(CancellationToken ct)
    {
        using var res = await SendAsync(HttpMethod.Get, "settings", null, ct);
        await EnsureAsync(res, "GET /settings", ct);
        return await res.Content.ReadFromJsonAsync(NodeRedJsonContext.Default.NodeRedSettings, ct) ?? new NodeRedSettings();
    }

    /// <summary>Every node type the engine has enabled (<c>GET /nodes</c> as JSON; without the Accept header it sends HTML).</summary>
    public async Task<IReadOnlySet<string>> GetNodeTypesAsync(CancellationToken ct)
    {
        var sets = await GetJsonAsync("nodes", "GET /nodes", ct) as JsonArray ?? [];
        return sets.OfType<JsonObject>()
            .Where(s => s["enabled"]?.GetValue<bool>() != false)
            .SelectMany(s => s["types"] as JsonArray ?? [])
            .Select(t => t?.GetValue<string>()).OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The whole configuration, v1: tabs, then every node with its <c>z</c>.</summary>
    public async Task<JsonArray> GetFlowsAsync(CancellationToken ct) =>
        await GetJsonAsync("flows", "GET /flows", ct) as JsonArray ?? [];

    /// <summary><c>{"state":"start"|"stop"}</c> of the whole runtime.</summary>
    public async Task<string?> GetFlowsStateAsync(CancellationToken ct) =>
        (await GetJsonAsync("flows/state", "GET /flows/state", ct))?["state"]?.GetValue<string>();

    /// <summary>One flow (tab) with its nodes and configs, credentials stripped; null when there is none (404).</summary>
    public async Task<JsonObject?> GetFlowAsync(string id, CancellationToken ct)
    {
        using var res = await SendAsync(HttpMethod.Get, FlowPath(id), null, ct);
        if (res.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureAsync(res, "GET /flow/:id", ct);
        return JsonNode.Parse(await res.Content.ReadAsStringAsync(ct)) as JsonObject;
    }

    /// <summary>Adds a flow; Node-RED chooses the tab id and returns it. 400 <c>duplicate id</c> when a node id is taken.</summary>
    public async Task<string> PostFlowAsync(JsonObject flow, CancellationToken ct)
    {
        using var res = await SendAsync(HttpMethod.Post, "flow", flow, ct);
        await EnsureAsync(res, "POST /flow", ct);
        return IdOf(await res.Content.ReadAsStringAsync(ct), "POST /flow");
    }

    /// <summary>
    /// Replaces one flow; false when it does not exist (404). Node-RED validates nothing here (docs/nodered.md
    /// §PUT validates nothing).
    /// </summary>
    public async Task<bool> PutFlowAsync(string id, JsonObject flow, CancellationToken ct)
    {
        using var res = await SendAsync(HttpMethod.Put, FlowPath(id), flow, ct);
        if (res.StatusCode == HttpStatusCode.NotFound) return false;
        await EnsureAsync(res, "PUT /flow/:id", ct);
        return true;
    }

    /// <summary>Removes one flow and its credentials; false when it was already gone.</summary>
    public async Task<bool> DeleteFlowAsync(string id, CancellationToken ct)
    {
        using var res = await SendAsync(HttpMethod.Delete, FlowPath(id), null, ct);
        if (res.StatusCode == HttpStatusCode.NotFound) return false;
        await EnsureAsync(res, "DELETE /flow/:id", ct);
        return true;
    }

    /// <summary>A flow's context in the default store, as <c>{key: {msg, format}}</c>; null when the flow has none.</summary>
    public async Task<JsonObject?> GetFlowContextAsync(string id, CancellationToken ct)
    {
        using var res = await SendAsync(HttpMethod.Get, "context/flow/" + Uri.EscapeDataString(id), null, ct);
        if (res.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureAsync(res, "GET /context/flow/:id", ct);
        var all = JsonNode.Parse(await res.Content.ReadAsStringAsync(ct)) as JsonObject;
        return all?["memory"] as JsonObject ?? all?.Select(p => p.Value).OfType<JsonObject>().FirstOrDefault();
    }

    private static string FlowPath(string id) => "flow/" + Uri.EscapeDataString(id);

    private async Task<JsonNode?> GetJsonAsync(string path, string what, CancellationToken ct)
    {
        using var res = await SendAsync(HttpMethod.Get, path, null, ct);
        await EnsureAsync(res, what, ct);
        return JsonNode.Parse(await res.Content.ReadAsStringAsync(ct));
    }

    private static string IdOf(string body, string what) =>
        (JsonNode.Parse(body) as JsonObject)?["id"]?.GetValue<string>()
        ?? throw new HttpRequestException($"Node-RED {what} answered without a flow id");

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken ct)
    {
        if (_token is null && _canLogin) _token = await LoginAsync(ct);
        var res = await http.SendAsync(Request(method, path, body), ct);
        if (res.StatusCode != HttpStatusCode.Unauthorized || !_canLogin) return res;
        // A login token expires (adminAuth.sessionExpiryTime); log in again once.
        res.Dispose();
        _token = await LoginAsync(ct);
        return await http.SendAsync(Request(method, path, body), ct);
    }

    private HttpRequestMessage Request(HttpMethod method, string path, JsonObject? body)
    {
        var req = new HttpRequestMessage(method, path);
        req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (_token is not null) req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        if (body is not null) req.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        return req;
    }

    private async Task<string> LoginAsync(CancellationToken ct)
    {
        using var body = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = "node-red-admin", ["grant_type"] = "password", ["scope"] = "*",
            ["username"] = username!, ["password"] = password!,
        });
        using var res = await http.PostAsync("auth/token", body, ct);
        await EnsureAsync(res, "POST /auth/token", ct);
        var t = await res.Content.ReadFromJsonAsync(NodeRedJsonContext.Default.NodeRedToken, ct);
        return t!.AccessToken;
    }

    private static async Task EnsureAsync(HttpResponseMessage res, string what, CancellationToken ct)
    {
        if (res.IsSuccessStatusCode) return;
        throw NodeRedApiException.From(what, res.StatusCode, res.ReasonPhrase, await res.Content.ReadAsStringAsync(ct));
    }
}

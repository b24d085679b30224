using System.Net.Http.Headers;
using System.Net.Http.Json;
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
/// Node-RED's Admin API. Authenticates with a bearer token given by the site, or trades the site's username and
/// password for one at <c>/auth/token</c> (Node-RED's adminAuth).
/// </summary>
public sealed class NodeRedClient(HttpClient http, string? token = null, string? username = null, string? password = null)
{
    private string? _token = token;

    public async Task<NodeRedSettings> GetSettingsAsync(CancellationToken ct)
    {
        using var req = await AuthorizedAsync(HttpMethod.Get, "settings", ct);
        using var res = await http.SendAsync(req, ct);
        await EnsureAsync(res, "GET /settings", ct);
        return await res.Content.ReadFromJsonAsync(NodeRedJsonContext.Default.NodeRedSettings, ct) ?? new NodeRedSettings();
    }

    private async Task<HttpRequestMessage> AuthorizedAsync(HttpMethod method, string path, CancellationToken ct)
    {
        if (_token is null && username is not null && password is not null) _token = await LoginAsync(ct);
        var req = new HttpRequestMessage(method, path);
        if (_token is not null) req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
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
        var body = await res.Content.ReadAsStringAsync(ct);
        throw new HttpRequestException($"Node-RED {what} answered {(int)res.StatusCode} {res.ReasonPhrase}: {body.Trim()}", null, res.StatusCode);
    }
}

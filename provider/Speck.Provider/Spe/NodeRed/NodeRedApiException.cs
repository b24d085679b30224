using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Speck.Provider.Spe.NodeRed;

/// <summary>
/// Node-RED's Admin API refused a request. <see cref="Code"/> is Node-RED's own error code (<c>not_found</c>,
/// <c>unexpected_error</c>, <c>version_mismatch</c>, ...) when the body was its JSON error (docs/nodered.md
/// §Error bodies).
/// </summary>
public sealed partial class NodeRedApiException(string message, HttpStatusCode status, string? code, string? detail)
    : HttpRequestException(message, null, status)
{
    public string? Code { get; } = code;

    /// <summary>Node-RED's <c>message</c>, e.g. <c>duplicate id</c>.</summary>
    public string? Detail { get; } = detail;

    public bool IsDuplicateId => StatusCode == HttpStatusCode.BadRequest && Detail == "duplicate id";

    public static NodeRedApiException From(string what, HttpStatusCode status, string? reason, string body)
    {
        string? code = null, detail = null;
        try
        {
            if (JsonNode.Parse(body) is JsonObject o)
            {
                code = (o["code"] ?? o["error"])?.GetValue<string>();
                detail = (o["message"] ?? o["error_description"])?.GetValue<string>();
            }
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            // Not JSON: body-parser's HTML page (malformed JSON) or plain text such as "Unauthorized".
        }

        // Only Node-RED's short message or the first line of text: never the request we sent, which may hold credentials.
        var shown = detail ?? FirstLine(Tags().Replace(body, " "));
        return new NodeRedApiException($"Node-RED {what} answered {(int)status} {reason}{(shown.Length > 0 ? ": " + shown : "")}", status, code, detail);
    }

    private static string FirstLine(string text)
    {
        var line = text.Trim().Split('\n', 2)[0].Trim();
        return line.Length > 200 ? line[..200] + "..." : line;
    }

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();
}

using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Speck.FlinkStandIn.Http;

/// <summary>The JSON kind a request field accepts. Every field of the bodies served here is nullable (boxed in Flink).</summary>
public enum FieldKind { String, Bool, Int, StringList, StringMap, Hex32, RestoreMode, FormatType }

/// <summary>
/// Flink parses request bodies with a strict Jackson mapper: an empty body is <c>{}</c>; unknown properties, duplicate
/// keys and wrong types fail with 400 "Request did not match expected format &lt;Class&gt;." (docs/flink-rest.md
/// §Strict request bodies).
/// </summary>
public sealed class StrictBody
{
    private static readonly HashSet<string> RestoreModes = ["CLAIM", "NO_CLAIM", "LEGACY"];
    private static readonly HashSet<string> FormatTypes = ["CANONICAL", "NATIVE"];
    private readonly Dictionary<string, JsonElement> _values;

    private StrictBody(Dictionary<string, JsonElement> values) => _values = values;

    public static async Task<StrictBody> ReadAsync(HttpRequest request, string bodyClass, IReadOnlyDictionary<string, FieldKind> fields, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(ct);
        if (string.IsNullOrWhiteSpace(text)) return new StrictBody([]);
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw FlinkRestException.BadBody(bodyClass);
            var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (!fields.TryGetValue(p.Name, out var kind) || values.ContainsKey(p.Name) || !Fits(p.Value, kind))
                    throw FlinkRestException.BadBody(bodyClass);
                if (p.Value.ValueKind != JsonValueKind.Null) values[p.Name] = p.Value.Clone();
            }
            return new StrictBody(values);
        }
        catch (JsonException)
        {
            throw FlinkRestException.BadBody(bodyClass);
        }
    }

    public string? String(string name) => _values.TryGetValue(name, out var v) ? v.GetString() : null;
    public bool? Bool(string name) => _values.TryGetValue(name, out var v) ? v.GetBoolean() : null;
    public int? Int(string name) => _values.TryGetValue(name, out var v) ? v.GetInt32() : null;
    public bool Has(string name) => _values.ContainsKey(name);

    public IReadOnlyList<string>? StringList(string name) =>
        _values.TryGetValue(name, out var v) ? v.EnumerateArray().Select(e => e.GetString() ?? "").ToList() : null;

    public IReadOnlyDictionary<string, string>? StringMap(string name) =>
        _values.TryGetValue(name, out var v) ? v.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "") : null;

    private static bool Fits(JsonElement v, FieldKind kind)
    {
        if (v.ValueKind == JsonValueKind.Null) return true;
        return kind switch
        {
            FieldKind.String => v.ValueKind == JsonValueKind.String,
            FieldKind.Bool => v.ValueKind is JsonValueKind.True or JsonValueKind.False,
            FieldKind.Int => v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out _),
            FieldKind.StringList => v.ValueKind == JsonValueKind.Array && v.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String),
            FieldKind.StringMap => v.ValueKind == JsonValueKind.Object && v.EnumerateObject().All(p => p.Value.ValueKind == JsonValueKind.String),
            FieldKind.Hex32 => v.ValueKind == JsonValueKind.String && FlinkIds.TryParse(v.GetString(), out _),
            FieldKind.RestoreMode => v.ValueKind == JsonValueKind.String && RestoreModes.Contains(v.GetString()!),
            FieldKind.FormatType => v.ValueKind == JsonValueKind.String && FormatTypes.Contains(v.GetString()!),
            _ => false,
        };
    }
}

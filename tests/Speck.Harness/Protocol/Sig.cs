using System.Text.Json.Nodes;

namespace Speck.Harness.Protocol;

/// <summary>Pulumi's magic values inside property bags (sdk/go/common/resource/sig), on JSON nodes.</summary>
public static class Sig
{
    public const string Key = "4dabf18193072939515e22adb298388d";
    public const string Secret = "1b47061264138c4ac30d75fd1eb44270";
    public const string Asset = "c44067f5952c0a294b673a41bacd8c17";
    public const string Unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

    private static readonly HashSet<string> Unknowns = new(StringComparer.Ordinal)
    {
        Unknown, "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", "030794c1-ac77-496b-92df-f27374a8bd58",
        "e48ece36-62e2-4504-bad9-02848725956a", "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
    };

    public static bool IsUnknown(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) && Unknowns.Contains(s);

    public static bool IsSecret(JsonNode? n) => SigOf(n) == Secret;

    public static string? SigOf(JsonNode? n) =>
        n is JsonObject o && o.TryGetPropertyValue(Key, out var s) && s is JsonValue v && v.TryGetValue<string>(out var str) ? str : null;

    public static JsonNode MakeSecret(JsonNode? value) =>
        IsSecret(value) ? value!.DeepClone() : new JsonObject { [Key] = Secret, ["value"] = value?.DeepClone() };

    public static JsonNode? SecretValue(JsonNode secret) => secret.AsObject()["value"];

    public static bool ContainsUnknown(JsonNode? n) => n switch
    {
        JsonObject o => o.Any(kv => ContainsUnknown(kv.Value)),
        JsonArray a => a.Any(ContainsUnknown),
        _ => IsUnknown(n),
    };

    public static bool ContainsSecret(JsonNode? n) => n switch
    {
        JsonObject o => IsSecret(o) || o.Any(kv => ContainsSecret(kv.Value)),
        JsonArray a => a.Any(ContainsSecret),
        _ => false,
    };

    /// <summary>A copy with every secret wrapper replaced by its value (what CheckConfig/DiffConfig receive).</summary>
    public static JsonNode? Unwrap(JsonNode? n) => n switch
    {
        JsonObject o when IsSecret(o) => Unwrap(o["value"]),
        JsonObject o => new JsonObject(o.Select(kv => KeyValuePair.Create(kv.Key, Unwrap(kv.Value)))),
        JsonArray a => new JsonArray(a.Select(Unwrap).ToArray()),
        _ => n?.DeepClone(),
    };

    /// <summary>Every plaintext string held inside a secret wrapper, for redaction.</summary>
    public static IEnumerable<string> SecretStrings(JsonNode? n, bool inSecret = false)
    {
        switch (n)
        {
            case JsonObject o:
                var secret = inSecret || IsSecret(o);
                foreach (var kv in o)
                    foreach (var s in SecretStrings(kv.Value, secret)) yield return s;
                break;
            case JsonArray a:
                foreach (var i in a)
                    foreach (var s in SecretStrings(i, inSecret)) yield return s;
                break;
            case JsonValue v when inSecret && v.TryGetValue<string>(out var str) && str != Secret:
                yield return str;
                break;
        }
    }
}

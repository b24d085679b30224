using System.Buffers;
using System.Text.Json;

namespace Speck.Provider.Brokers.Mqtt.Dynsec;

/// <summary>
/// One entry of the broker's "responses" array (docs/mosquitto-dynsec.md §Control messages and their answers).
/// <see cref="Data"/> is a detached clone (or Undefined).
/// </summary>
internal readonly record struct DynsecResponse(string Command, string? Error, JsonElement Data)
{
    public bool Ok => Error is null;
}

internal static class DynsecJson
{
    public static byte[] BuildRequest(IReadOnlyList<DynsecCommand> commands, IReadOnlyList<string> correlationIds)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("commands");
            for (var i = 0; i < commands.Count; i++)
            {
                w.WriteStartObject();
                w.WriteString("command", commands[i].Name);
                commands[i].WriteFields(w);
                w.WriteString("correlationData", correlationIds[i]);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Responses with their correlationData; entries without one cannot be ours and are skipped.</summary>
    public static List<(string CorrelationId, DynsecResponse Response)> ParseResponses(ReadOnlySequence<byte> payload)
    {
        var result = new List<(string, DynsecResponse)>();
        using var doc = JsonDocument.Parse(payload);
        if (!doc.RootElement.TryGetProperty("responses", out var responses) || responses.ValueKind != JsonValueKind.Array) return result;

        foreach (var r in responses.EnumerateArray())
        {
            var correlation = GetString(r, "correlationData");
            if (correlation is null) continue;

            var data = r.TryGetProperty("data", out var d) ? d.Clone() : default;
            result.Add((correlation, new DynsecResponse(GetString(r, "command") ?? "", GetString(r, "error"), data)));
        }

        return result;
    }

    public static DynsecRole ParseRole(JsonElement data)
    {
        var role = data.GetProperty("role");
        var acls = new List<DynsecAcl>();
        if (role.TryGetProperty("acls", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var a in list.EnumerateArray())
            {
                var wire = GetString(a, "acltype");
                if (!DynsecAclTypes.TryParse(wire, out var type))
                    throw new FormatException($"the broker returned an unknown acltype '{wire}'");

                acls.Add(new DynsecAcl(type, GetString(a, "topic") ?? "", GetInt(a, "priority") ?? 0, GetBool(a, "allow") ?? false));
            }
        }

        return new DynsecRole(GetString(role, "rolename") ?? "", GetString(role, "textname"), acls);
    }

    public static DynsecClient ParseClient(JsonElement client) => new(
        GetString(client, "username") ?? "",
        GetString(client, "textname"),
        GetString(client, "clientid"),
        Refs(client, "roles", "rolename").Select(x => new DynsecRoleRef(x.Name, x.Priority)).ToList(),
        Refs(client, "groups", "groupname").Select(x => new DynsecGroupRef(x.Name, x.Priority)).ToList(),
        GetBool(client, "disabled") ?? false);

    public static DynsecGroup ParseGroup(JsonElement group) => new(
        GetString(group, "groupname") ?? "",
        Refs(group, "roles", "rolename").Select(x => new DynsecRoleRef(x.Name, x.Priority)).ToList(),
        Refs(group, "clients", "username").Select(x => x.Name).ToList());

    /// <summary>listClients/listGroups data: objects when verbose, bare names otherwise (docs/mosquitto-dynsec.md **Answers read back**).</summary>
    public static IEnumerable<JsonElement> Items(JsonElement data, string property) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(property, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray()
            : [];

    private static IEnumerable<(string Name, int? Priority)> Refs(JsonElement owner, string property, string nameField)
    {
        foreach (var item in Items(owner, property))
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                yield return (item.GetString()!, null);
            }
            else if (item.ValueKind == JsonValueKind.Object && GetString(item, nameField) is { } name)
            {
                yield return (name, GetInt(item, "priority"));
            }
        }
    }

    private static string? GetString(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? GetInt(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    private static bool? GetBool(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;
}

using System.Buffers;
using System.Text.Json;

namespace Speck.Provider.Brokers.Mqtt;

/// <summary>
/// One dynsec command. Fields are written straight into the request payload; only <see cref="Describe"/>
/// (name and subject) is ever used in messages, which is what keeps passwords out of errors and logs.
/// </summary>
internal sealed class DynsecCommand(string name, string? subject, Action<Utf8JsonWriter>? fields = null)
{
    public string Name { get; } = name;
    public string? Subject { get; } = subject;

    public void WriteFields(Utf8JsonWriter writer) => fields?.Invoke(writer);

    public string Describe() => Subject is null ? Name : $"{Name} '{Subject}'";

    public static DynsecCommand GetRole(string role) => new("getRole", role, w => w.WriteString("rolename", role));

    public static DynsecCommand CreateRole(string role, string? textName, IReadOnlyList<DynsecAcl> acls) =>
        new("createRole", role, w =>
        {
            w.WriteString("rolename", role);
            if (textName is not null)
            {
                w.WriteString("textname", textName);
            }

            WriteAcls(w, acls);
        });

    public static DynsecCommand ModifyRole(string role, string? textName, IReadOnlyList<DynsecAcl>? acls) =>
        new("modifyRole", role, w =>
        {
            w.WriteString("rolename", role);
            if (textName is not null)
            {
                w.WriteString("textname", textName);
            }

            if (acls is not null)
            {
                WriteAcls(w, acls);
            }
        });

    public static DynsecCommand DeleteRole(string role) => new("deleteRole", role, w => w.WriteString("rolename", role));

    public static DynsecCommand GetClient(string user) => new("getClient", user, w => w.WriteString("username", user));

    public static DynsecCommand CreateClient(string user, string? password, string? textName, IReadOnlyList<DynsecRoleRef>? roles) =>
        new("createClient", user, w =>
        {
            w.WriteString("username", user);
            if (password is not null)
            {
                w.WriteString("password", password);
            }

            if (textName is not null)
            {
                w.WriteString("textname", textName);
            }

            WriteRoleRefs(w, roles);
        });

    public static DynsecCommand DeleteClient(string user) => new("deleteClient", user, w => w.WriteString("username", user));

    public static DynsecCommand SetClientPassword(string user, string password) =>
        new("setClientPassword", user, w =>
        {
            w.WriteString("username", user);
            w.WriteString("password", password);
        });

    public static DynsecCommand AddClientRole(string user, string role, int? priority) =>
        new("addClientRole", $"{user}/{role}", w =>
        {
            w.WriteString("username", user);
            w.WriteString("rolename", role);
            if (priority is { } p)
            {
                w.WriteNumber("priority", p);
            }
        });

    public static DynsecCommand RemoveClientRole(string user, string role) =>
        new("removeClientRole", $"{user}/{role}", w =>
        {
            w.WriteString("username", user);
            w.WriteString("rolename", role);
        });

    public static DynsecCommand RemoveGroupRole(string group, string role) =>
        new("removeGroupRole", $"{group}/{role}", w =>
        {
            w.WriteString("groupname", group);
            w.WriteString("rolename", role);
        });

    public static DynsecCommand GetGroup(string group) => new("getGroup", group, w => w.WriteString("groupname", group));

    public static DynsecCommand CreateGroup(string group, IReadOnlyList<DynsecRoleRef>? roles) =>
        new("createGroup", group, w =>
        {
            w.WriteString("groupname", group);
            WriteRoleRefs(w, roles);
        });

    public static DynsecCommand DeleteGroup(string group) => new("deleteGroup", group, w => w.WriteString("groupname", group));

    public static DynsecCommand ListClients() => new("listClients", null, w => w.WriteBoolean("verbose", true));

    public static DynsecCommand ListGroups() => new("listGroups", null, w => w.WriteBoolean("verbose", true));

    public static DynsecCommand GetDefaultAclAccess() => new("getDefaultACLAccess", null);

    private static void WriteRoleRefs(Utf8JsonWriter w, IReadOnlyList<DynsecRoleRef>? roles)
    {
        if (roles is not { Count: > 0 })
        {
            return;
        }

        w.WriteStartArray("roles");
        foreach (var role in roles)
        {
            w.WriteStartObject();
            w.WriteString("rolename", role.RoleName);
            if (role.Priority is { } priority)
            {
                w.WriteNumber("priority", priority);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteAcls(Utf8JsonWriter w, IReadOnlyList<DynsecAcl> acls)
    {
        w.WriteStartArray("acls");
        foreach (var acl in acls)
        {
            w.WriteStartObject();
            w.WriteString("acltype", acl.AclType.ToWire());
            w.WriteString("topic", acl.Topic);
            w.WriteNumber("priority", acl.Priority);
            w.WriteBoolean("allow", acl.Allow);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}

/// <summary>One entry of the broker's "responses" array. <see cref="Data"/> is a detached clone (or Undefined).</summary>
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
        if (!doc.RootElement.TryGetProperty("responses", out var responses) || responses.ValueKind != JsonValueKind.Array)
        {
            return result;
        }

        foreach (var r in responses.EnumerateArray())
        {
            var correlation = GetString(r, "correlationData");
            if (correlation is null)
            {
                continue;
            }

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
                {
                    throw new FormatException($"the broker returned an unknown acltype '{wire}'");
                }

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

    /// <summary>listClients/listGroups data: objects when verbose, bare names otherwise.</summary>
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

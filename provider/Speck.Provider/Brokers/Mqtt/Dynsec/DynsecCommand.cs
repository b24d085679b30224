using System.Text.Json;

namespace Speck.Provider.Brokers.Mqtt.Dynsec;

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
            if (textName is not null) w.WriteString("textname", textName);

            WriteAcls(w, acls);
        });

    public static DynsecCommand ModifyRole(string role, string? textName, IReadOnlyList<DynsecAcl>? acls) =>
        new("modifyRole", role, w =>
        {
            w.WriteString("rolename", role);
            if (textName is not null) w.WriteString("textname", textName);

            if (acls is not null) WriteAcls(w, acls);
        });

    public static DynsecCommand DeleteRole(string role) => new("deleteRole", role, w => w.WriteString("rolename", role));

    public static DynsecCommand GetClient(string user) => new("getClient", user, w => w.WriteString("username", user));

    public static DynsecCommand CreateClient(string user, string? password, string? textName, IReadOnlyList<DynsecRoleRef>? roles) =>
        new("createClient", user, w =>
        {
            w.WriteString("username", user);
            if (password is not null) w.WriteString("password", password);

            if (textName is not null) w.WriteString("textname", textName);

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
            if (priority is { } p) w.WriteNumber("priority", p);
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
        if (roles is not { Count: > 0 }) return;

        w.WriteStartArray("roles");
        foreach (var role in roles)
        {
            w.WriteStartObject();
            w.WriteString("rolename", role.RoleName);
            if (role.Priority is { } priority) w.WriteNumber("priority", priority);

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

namespace Speck.Provider.Brokers.Mqtt.Dynsec;

public enum DynsecAclType
{
    PublishClientSend,
    PublishClientReceive,
    SubscribeLiteral,
    SubscribePattern,
    UnsubscribeLiteral,
    UnsubscribePattern,
}

public static class DynsecAclTypes
{
    /// <summary>The exact acltype strings dynsec 2.0.11 accepts for a role (docs/mosquitto-dynsec.md **ACL types**).</summary>
    public static string ToWire(this DynsecAclType type) => type switch
    {
        DynsecAclType.PublishClientSend => "publishClientSend",
        DynsecAclType.PublishClientReceive => "publishClientReceive",
        DynsecAclType.SubscribeLiteral => "subscribeLiteral",
        DynsecAclType.SubscribePattern => "subscribePattern",
        DynsecAclType.UnsubscribeLiteral => "unsubscribeLiteral",
        DynsecAclType.UnsubscribePattern => "unsubscribePattern",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown dynsec ACL type"),
    };

    public static bool TryParse(string? wire, out DynsecAclType type)
    {
        foreach (var candidate in Enum.GetValues<DynsecAclType>())
        {
            if (string.Equals(candidate.ToWire(), wire, StringComparison.Ordinal))
            {
                type = candidate;
                return true;
            }
        }

        type = default;
        return false;
    }
}

/// <summary>
/// One role ACL. <see cref="Allow"/> is always sent, because 2.0.11 stores an ACL without it as a deny; dynsec
/// identifies an ACL by (type, topic); higher priority is evaluated first (docs/mosquitto-dynsec.md
/// §Quirks of 2.0.11 commands, **ACL types**).
/// </summary>
public sealed record DynsecAcl(DynsecAclType AclType, string Topic, int Priority = 0, bool Allow = true);

public sealed record DynsecRole(string Name, string? TextName, IReadOnlyList<DynsecAcl> Acls)
{
    /// <summary>Order-insensitive ACL comparison; the broker may return ACLs in its own order.</summary>
    public bool HasSameAcls(IEnumerable<DynsecAcl> acls) => SameAcls(Acls, acls);

    internal static bool SameAcls(IEnumerable<DynsecAcl> a, IEnumerable<DynsecAcl> b) =>
        Sorted(a).SequenceEqual(Sorted(b));

    private static IEnumerable<DynsecAcl> Sorted(IEnumerable<DynsecAcl> acls) => acls
        .OrderBy(x => x.AclType).ThenBy(x => x.Topic, StringComparer.Ordinal).ThenBy(x => x.Priority).ThenBy(x => x.Allow);
}

/// <summary>
/// A role held by a client or group. Priority is null when the broker stores none, its default
/// (docs/mosquitto-dynsec.md **Answers read back**).
/// </summary>
public sealed record DynsecRoleRef(string RoleName, int? Priority = null);

public sealed record DynsecGroupRef(string GroupName, int? Priority = null);

/// <summary>A dynsec client. Passwords are write-only in dynsec (docs/mosquitto-dynsec.md §Passwords are write-only).</summary>
public sealed record DynsecClient(
    string Username,
    string? TextName,
    string? ClientId,
    IReadOnlyList<DynsecRoleRef> Roles,
    IReadOnlyList<DynsecGroupRef> Groups,
    bool Disabled)
{
    public bool HasRole(string roleName) => Roles.Any(r => r.RoleName == roleName);
}

public sealed record DynsecGroup(string Name, IReadOnlyList<DynsecRoleRef> Roles, IReadOnlyList<string> Clients)
{
    public bool HasRole(string roleName) => Roles.Any(r => r.RoleName == roleName);
}

public enum DynsecUpsertResult
{
    Created,
    /// <summary>It existed with different settings and was changed to match.</summary>
    Updated,
    Unchanged,
}

/// <summary>Outcome of <see cref="MosquittoDynsec.DeleteRoleSafelyAsync"/>: who held the role before it was removed.</summary>
public sealed record DynsecRoleDeletion(bool Existed, IReadOnlyList<string> RemovedFromClients, IReadOnlyList<string> RemovedFromGroups);

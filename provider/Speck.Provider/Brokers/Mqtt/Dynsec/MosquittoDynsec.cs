namespace Speck.Provider.Brokers.Mqtt.Dynsec;

/// <summary>
/// The dynamic-security client: typed Mosquitto dynsec operations over a pooled admin connection, and the only way in
/// to the rest of this folder. Cheap to create; get one from <see cref="DynsecConnectionPool.For"/> (the provider's
/// pool is made by SpeckFactory). The operations smooth over the 2.0.11 quirks (docs/mosquitto-dynsec.md
/// §Quirks of 2.0.11 commands): creates are idempotent, a duplicate addClientRole is checked for first, ACLs always
/// carry "allow", and roles are detached from every holder before deleteRole. Failures are
/// <see cref="DynsecException"/>, already the provider's failures. Callers that have just read a role or client pass
/// that read in (<see cref="UpdateRoleAsync"/>, <see cref="AddClientRoleAsync(DynsecClient, string, int?, CancellationToken)"/>)
/// so an operation reads each once.
/// </summary>
public sealed class MosquittoDynsec
{
    // The error answers of 2.0.11 that mean "already so" (docs/mosquitto-dynsec.md **Error answers**).
    private const string RoleNotFound = "Role not found";
    private const string RoleExists = "Role already exists";
    private const string ClientNotFound = "Client not found";
    private const string ClientExists = "Client already exists";
    private const string GroupNotFound = "Group not found";

    private readonly DynsecConnection _connection;

    internal MosquittoDynsec(DynsecConnection connection) => _connection = connection;

    public MqttEndpoint Endpoint => _connection.Endpoint;

    // ---- roles ----

    /// <summary>The role, or null when the broker says "Role not found".</summary>
    public async Task<DynsecRole?> GetRoleAsync(string name, CancellationToken ct = default)
    {
        RequireName(name, "role name");
        var r = await RunOneAsync(DynsecCommand.GetRole(name), ct, RoleNotFound);
        return r.Ok ? DynsecJson.ParseRole(r.Data) : null;
    }

    /// <summary>
    /// Creates the role, or if it already exists makes its text name and ACLs equal to the given ones (reading it
    /// only then). A null <paramref name="textName"/> is treated as "" for comparison.
    /// </summary>
    public async Task<DynsecUpsertResult> CreateRoleAsync(
        string name, string? textName, IReadOnlyList<DynsecAcl> acls, CancellationToken ct = default)
    {
        RequireName(name, "role name");
        RequireValidAcls(acls);
        var created = await RunOneAsync(DynsecCommand.CreateRole(name, textName, acls), ct, RoleExists);
        if (created.Ok) return DynsecUpsertResult.Created;
        var existing = await RunOneAsync(DynsecCommand.GetRole(name), ct);
        return await UpdateRoleAsync(DynsecJson.ParseRole(existing.Data), textName, acls, ct);
    }

    /// <summary>
    /// Makes a role the caller has just read (<paramref name="current"/>) have the given text name and ACLs, with
    /// modifyRole only when they differ; the caller's read is the only one. A null <paramref name="textName"/> is
    /// treated as "".
    /// </summary>
    public async Task<DynsecUpsertResult> UpdateRoleAsync(
        DynsecRole current, string? textName, IReadOnlyList<DynsecAcl> acls, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(current);
        RequireName(current.Name, "role name");
        RequireValidAcls(acls);
        if ((current.TextName ?? "") == (textName ?? "") && current.HasSameAcls(acls)) return DynsecUpsertResult.Unchanged;
        await RunOneAsync(DynsecCommand.ModifyRole(current.Name, textName ?? "", acls), ct);
        return DynsecUpsertResult.Updated;
    }

    /// <summary>
    /// Replaces the role's whole ACL list (modifyRole); there is no per-ACL modify in dynsec (docs/mosquitto-dynsec.md
    /// §Quirks of 2.0.11 commands).
    /// </summary>
    public async Task SetRoleAclsAsync(string name, IReadOnlyList<DynsecAcl> acls, CancellationToken ct = default)
    {
        RequireName(name, "role name");
        RequireValidAcls(acls);
        await RunOneAsync(DynsecCommand.ModifyRole(name, null, acls), ct);
    }

    /// <summary>
    /// Removes the role from every client and group that holds it, then deletes it. Deleting a role that a client still
    /// holds is a use-after-free in 2.0.11 that can crash the broker (docs/mosquitto-dynsec.md
    /// §Deleting a role held by a client). The role itself is not read: the holders come from listClients and
    /// listGroups, and deleteRole's answer tells whether it existed; one that does not exist counts as already
    /// deleted. A holder added concurrently between the final check and deleteRole (one round trip) is not covered;
    /// Pulumi's delete ordering avoids that.
    /// </summary>
    public async Task<DynsecRoleDeletion> DeleteRoleSafelyAsync(string name, CancellationToken ct = default)
    {
        RequireName(name, "role name");
        var clients = new SortedSet<string>(StringComparer.Ordinal);
        var groups = new SortedSet<string>(StringComparer.Ordinal);

        // Repeat until nobody holds it, so holders added while we were removing are caught too.
        for (var round = 0; ; round++)
        {
            var listClients = DynsecCommand.ListClients();
            var listGroups = DynsecCommand.ListGroups();
            var state = await _connection.ExecuteAsync([listClients, listGroups], ct);
            EnsureOk(listClients, state[0]);
            EnsureOk(listGroups, state[1]);
            var holdingClients = DynsecJson.Items(state[0].Data, "clients")
                .Select(DynsecJson.ParseClient).Where(c => c.HasRole(name)).Select(c => c.Username).ToList();
            var holdingGroups = DynsecJson.Items(state[1].Data, "groups")
                .Select(DynsecJson.ParseGroup).Where(g => g.HasRole(name)).Select(g => g.Name).ToList();

            if (holdingClients.Count == 0 && holdingGroups.Count == 0)
            {
                var deleted = await RunOneAsync(DynsecCommand.DeleteRole(name), ct, RoleNotFound);
                // A role that was held existed, even if someone else deleted it after we took it off its holders.
                var existed = deleted.Ok || clients.Count > 0 || groups.Count > 0;
                return new DynsecRoleDeletion(existed, [.. clients], [.. groups]);
            }

            if (round >= 4)
            {
                throw new DynsecException(DynsecErrorKind.InvalidRequest, "deleteRole", name, Endpoint.Url,
                    $"role '{name}' on {Endpoint.Url} keeps being assigned to clients or groups while it is being deleted; not deleting it");
            }

            var removals = holdingClients.Select(c => DynsecCommand.RemoveClientRole(c, name))
                .Concat(holdingGroups.Select(g => DynsecCommand.RemoveGroupRole(g, name)))
                .ToList();
            var removed = await _connection.ExecuteAsync(removals, ct);
            for (var i = 0; i < removals.Count; i++)
            {
                // A holder deleted in the meantime holds nothing; a role deleted in the meantime is found gone next round.
                if (!removed[i].Ok && removed[i].Error is not (ClientNotFound or GroupNotFound or RoleNotFound))
                    throw BrokerError(removals[i], removed[i].Error!);
            }

            clients.UnionWith(holdingClients);
            groups.UnionWith(holdingGroups);
        }
    }

    // ---- clients ----

    /// <summary>The client, or null when the broker says "Client not found".</summary>
    public async Task<DynsecClient?> GetClientAsync(string username, CancellationToken ct = default)
    {
        RequireName(username, "username");
        var r = await RunOneAsync(DynsecCommand.GetClient(username), ct, ClientNotFound);
        return r.Ok ? DynsecJson.ParseClient(r.Data.GetProperty("client")) : null;
    }

    /// <summary>
    /// Creates a client. Returns false when it already existed, in which case nothing was changed
    /// (its password cannot be read back to compare; use <see cref="SetClientPasswordAsync"/>).
    /// </summary>
    public async Task<bool> CreateClientAsync(
        string username, string? password, string? textName = null, IReadOnlyList<DynsecRoleRef>? roles = null,
        CancellationToken ct = default)
    {
        RequireName(username, "username");
        var r = await RunOneAsync(DynsecCommand.CreateClient(username, password, textName, roles), ct, ClientExists);
        return r.Ok;
    }

    /// <summary>Returns false when the client did not exist (already deleted).</summary>
    public async Task<bool> DeleteClientAsync(string username, CancellationToken ct = default)
    {
        RequireName(username, "username");
        var r = await RunOneAsync(DynsecCommand.DeleteClient(username), ct, ClientNotFound);
        return r.Ok;
    }

    public async Task SetClientPasswordAsync(string username, string password, CancellationToken ct = default)
    {
        RequireName(username, "username");
        ArgumentNullException.ThrowIfNull(password);
        await RunOneAsync(DynsecCommand.SetClientPassword(username, password), ct);
    }

    /// <summary>
    /// Gives the client the role. Returns false when it already had it: 2.0.11 answers a duplicate
    /// addClientRole with "Internal error", so this checks first. Note the broker kicks the client (DISCONNECT 152).
    /// </summary>
    public async Task<bool> AddClientRoleAsync(string username, string roleName, int? priority = null, CancellationToken ct = default)
    {
        RequireName(username, "username");
        RequireName(roleName, "role name");
        var client = await GetClientAsync(username, ct)
            ?? throw new DynsecException(DynsecErrorKind.BrokerError, "addClientRole", $"{username}/{roleName}", Endpoint.Url,
                $"dynsec addClientRole '{username}/{roleName}' failed on {Endpoint.Url}: {ClientNotFound}", ClientNotFound);
        return await AddClientRoleAsync(client, roleName, priority, ct);
    }

    /// <summary>
    /// Gives a client the caller has just read (<paramref name="current"/>) the role, checking the duplicate against
    /// that read instead of reading the client again. Returns false when it already had it.
    /// </summary>
    public async Task<bool> AddClientRoleAsync(DynsecClient current, string roleName, int? priority = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(current);
        RequireName(current.Username, "username");
        RequireName(roleName, "role name");
        if (current.HasRole(roleName)) return false;

        var add = DynsecCommand.AddClientRole(current.Username, roleName, priority);
        var r = await RunOneAsync(add, ct, "Internal error");
        if (r.Ok) return true;

        // Someone else added it between the caller's read and our add.
        var again = await GetClientAsync(current.Username, ct);
        if (again is not null && again.HasRole(roleName)) return false;

        throw BrokerError(add, r.Error!);
    }

    /// <summary>Succeeds whether or not the client held the role.</summary>
    public async Task RemoveClientRoleAsync(string username, string roleName, CancellationToken ct = default)
    {
        RequireName(username, "username");
        RequireName(roleName, "role name");
        await RunOneAsync(DynsecCommand.RemoveClientRole(username, roleName), ct);
    }

    public async Task<IReadOnlyList<DynsecClient>> ListClientsAsync(CancellationToken ct = default)
    {
        var r = await RunOneAsync(DynsecCommand.ListClients(), ct);
        return DynsecJson.Items(r.Data, "clients").Select(DynsecJson.ParseClient).ToList();
    }

    public async Task<IReadOnlyList<DynsecGroup>> ListGroupsAsync(CancellationToken ct = default)
    {
        var r = await RunOneAsync(DynsecCommand.ListGroups(), ct);
        return DynsecJson.Items(r.Data, "groups").Select(DynsecJson.ParseGroup).ToList();
    }

    // ---- groups (only what role clean-up and its tests need) ----

    public async Task<DynsecGroup?> GetGroupAsync(string name, CancellationToken ct = default)
    {
        RequireName(name, "group name");
        var r = await RunOneAsync(DynsecCommand.GetGroup(name), ct, GroupNotFound);
        return r.Ok ? DynsecJson.ParseGroup(r.Data.GetProperty("group")) : null;
    }

    /// <summary>Returns false when the group already existed (left unchanged).</summary>
    public async Task<bool> CreateGroupAsync(string name, IReadOnlyList<DynsecRoleRef>? roles = null, CancellationToken ct = default)
    {
        RequireName(name, "group name");
        var r = await RunOneAsync(DynsecCommand.CreateGroup(name, roles), ct, "Group already exists");
        return r.Ok;
    }

    /// <summary>Returns false when the group did not exist.</summary>
    public async Task<bool> DeleteGroupAsync(string name, CancellationToken ct = default)
    {
        RequireName(name, "group name");
        var r = await RunOneAsync(DynsecCommand.DeleteGroup(name), ct, GroupNotFound);
        return r.Ok;
    }

    /// <summary>A cheap read-only round trip that proves the plugin answers for this login (getDefaultACLAccess).</summary>
    public async Task PingAsync(CancellationToken ct = default) =>
        await RunOneAsync(DynsecCommand.GetDefaultAclAccess(), ct);

    /// <summary>The reason a role ACL list would be refused, or null. Dynsec itself accepts "" and duplicates.</summary>
    public static string? ValidateAcls(IEnumerable<DynsecAcl>? acls, bool throwOnError = false)
    {
        string? error = null;
        if (acls is null)
        {
            error = "the ACL list is required (it may be empty)";
        }
        else
        {
            var seen = new HashSet<(DynsecAclType, string)>();
            foreach (var acl in acls)
            {
                if (acl is null || !Enum.IsDefined(acl.AclType))
                {
                    error = "an ACL entry is missing or has an unknown type";
                    break;
                }

                if (MqttTopicName.ValidateFilter(acl.Topic) is { } reason)
                {
                    error = $"ACL {acl.AclType.ToWire()} '{acl.Topic}': {reason}";
                    break;
                }

                if (!seen.Add((acl.AclType, acl.Topic)))
                {
                    error = $"ACL {acl.AclType.ToWire()} '{acl.Topic}' appears twice; dynsec identifies an ACL by its type and topic";
                    break;
                }
            }
        }

        return error is not null && throwOnError ? throw new ArgumentException(error, nameof(acls)) : error;
    }

    private static void RequireValidAcls(IReadOnlyList<DynsecAcl> acls) => ValidateAcls(acls, throwOnError: true);

    private static void RequireName(string name, string what)
    {
        if (string.IsNullOrEmpty(name))
            throw new ArgumentException($"the dynsec {what} must not be empty", what == "username" ? "username" : "name");
    }

    /// <summary>Runs one command; an error listed in <paramref name="tolerated"/> is returned instead of thrown.</summary>
    private async Task<DynsecResponse> RunOneAsync(DynsecCommand command, CancellationToken ct, params string[] tolerated)
    {
        var r = (await _connection.ExecuteAsync([command], ct))[0];
        if (!r.Ok && !tolerated.Contains(r.Error)) throw BrokerError(command, r.Error!);

        return r;
    }

    private void EnsureOk(DynsecCommand command, DynsecResponse response)
    {
        if (!response.Ok) throw BrokerError(command, response.Error!);
    }

    private DynsecException BrokerError(DynsecCommand command, string error) =>
        new(DynsecErrorKind.BrokerError, command.Name, command.Subject, Endpoint.Url,
            $"dynsec {command.Describe()} failed on {Endpoint.Url}: {error}", error);
}

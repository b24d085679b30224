using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Speck.Host.Resources;
using Speck.Provider.Brokers.Mqtt.Dynsec;
using Speck.Provider.Model;

namespace Speck.Provider.Brokers.Mqtt;

/// <summary>
/// MQTT brokers behind the resources. With a dynamic-security admin on the site, a topic is a publish role and
/// a subscribe role; the role's text name carries the owner tag of the resource that made it.
/// </summary>
/// <param name="dynsecPool">The admin connections to brokers' dynamic security, shared by every resource (one per broker login).</param>
public sealed partial class MqttBinder(ConfigSource config, DynsecConnectionPool dynsecPool) : IBrokerBinder
{
    private const string OwnerPrefix = "speck:";

    public BrokerKind Kind => BrokerKind.Mqtt;

    public IJobCredentials? JobCredentials { get; } = new MqttJobCredentials(config, dynsecPool);

    private readonly MqttTopicChecks _topicChecks = new();

    public string? ValidateUrl(string url) => MqttUrl.TryParse(url, out _, out var error) ? null : error;

    public string? ValidateTopicName(string name) => MqttTopicName.Validate(name);

    public async Task<BrokerProbe> ProbeAsync(BrokerEndpoint endpoint, CancellationToken ct)
    {
        var admin = Admin(endpoint);
        var probe = await MqttProbe.ProbeAsync(admin ?? User(endpoint), ProbeOptions(), ct);
        if (!probe.Connected)
            throw new EndpointUnreachableException($"MQTT broker at {MqttUrl.Redact(endpoint.Url)}: {probe.Error ?? probe.Failure?.ToString() ?? "no connection"}");
        if (admin is not null && probe.DynsecAvailable != true)
            throw new EndpointUnreachableException(
                $"MQTT broker at {MqttUrl.Redact(endpoint.Url)}: dynamic security did not answer for admin user '{endpoint.AdminUsername}': {probe.DynsecError ?? "no answer"}");
        var version = probe.BrokerVersion;
        return new BrokerProbe(version, admin is not null, version ?? "MQTT broker");
    }

    public async Task<TopicRecord> CreateTopicAsync(BrokerEndpoint endpoint, TopicRequest request, CancellationToken ct)
    {
        var (name, ownerTag) = (request.Name, request.OwnerTag);
        if (Admin(endpoint) is not { } admin)
        {
            var check = await CheckTopicAsync(endpoint, name, ct);
            if (!check.Accepted)
                throw ProviderException.Precondition($"the broker at {MqttUrl.Redact(endpoint.Url)} refused topic '{name}': {check.Reason} ({check.ReasonCode})");
            return new TopicRecord(name, ownerTag, null, null, []);
        }
        var dynsec = dynsecPool.For(admin);
        var (pub, sub) = (RoleName("pub", name), RoleName("sub", name));
        // Each role is read once: for the owner check, then as the state the create or update starts from.
        var roles = new[] { (Name: pub, Acls: PublishAcls(name)), (Name: sub, Acls: SubscribeAcls(name)) };
        var existing = new DynsecRole?[roles.Length];
        for (var i = 0; i < roles.Length; i++)
        {
            existing[i] = await dynsec.GetRoleAsync(roles[i].Name, ct);
            if (existing[i] is { } role && Owner(role) is { } other && other != ownerTag)
                throw ProviderException.Precondition(
                    $"role '{roles[i].Name}' for topic '{name}' already exists and belongs to another resource (owner {other}): import the topic instead of creating it");
        }
        for (var i = 0; i < roles.Length; i++)
        {
            if (existing[i] is { } role) await dynsec.UpdateRoleAsync(role, OwnerPrefix + ownerTag, roles[i].Acls, ct);
            else await dynsec.CreateRoleAsync(roles[i].Name, OwnerPrefix + ownerTag, roles[i].Acls, ct);
        }
        return new TopicRecord(name, ownerTag, pub, sub, []);
    }

    public async Task<TopicRecord?> ReadTopicAsync(BrokerEndpoint endpoint, TopicRecord recorded, CancellationToken ct)
    {
        if (Admin(endpoint) is not { } admin) return recorded with { Drift = [] };
        var dynsec = dynsecPool.For(admin);
        var (pubName, subName) = (RoleName("pub", recorded.Name), RoleName("sub", recorded.Name));
        var pub = await dynsec.GetRoleAsync(pubName, ct);
        var sub = await dynsec.GetRoleAsync(subName, ct);
        if (pub is null && sub is null) return null;

        var owner = recorded.OwnerTag.Length > 0 ? recorded.OwnerTag : Owner(pub ?? sub!) ?? "";
        var drift = new List<string>();
        Compare(pubName, pub, PublishAcls(recorded.Name), owner, drift);
        Compare(subName, sub, SubscribeAcls(recorded.Name), owner, drift);
        return new TopicRecord(recorded.Name, owner, pubName, subName, drift);
    }

    public async Task<IReadOnlyList<string>> DeleteTopicAsync(BrokerEndpoint endpoint, TopicRecord recorded, CancellationToken ct)
    {
        if (Admin(endpoint) is not { } admin) return [];
        var dynsec = dynsecPool.For(admin);
        var notes = new List<string>();
        foreach (var role in new[] { recorded.PublishRole, recorded.SubscribeRole }.OfType<string>())
        {
            // The one read of the role, for the owner check: the safe delete itself reads only its holders.
            var existing = await dynsec.GetRoleAsync(role, ct);
            if (existing is null) continue;
            if (Owner(existing) is { } other && other != recorded.OwnerTag)
            {
                notes.Add($"role '{role}' now belongs to another resource (owner {other}); left in place");
                continue;
            }
            var deletion = await dynsec.DeleteRoleSafelyAsync(role, ct);
            if (deletion.RemovedFromClients.Count > 0)
                notes.Add($"role '{role}' was taken from clients {string.Join(", ", deletion.RemovedFromClients)} before it was deleted");
        }
        return notes;
    }

    private static void Compare(string name, DynsecRole? role, IReadOnlyList<DynsecAcl> expected, string owner, List<string> drift)
    {
        if (role is null) drift.Add($"role '{name}' was deleted");
        else if (!role.HasSameAcls(expected)) drift.Add($"role '{name}' has ACLs [{Describe(role.Acls)}], expected [{Describe(expected)}]");
        else if (Owner(role) is { } other && other != owner) drift.Add($"role '{name}' was taken over (owner {other})");
    }

    private static string Describe(IEnumerable<DynsecAcl> acls) =>
        string.Join(", ", acls.Select(a => $"{a.AclType} {a.Topic} {(a.Allow ? "allow" : "deny")}"));

    private static IReadOnlyList<DynsecAcl> PublishAcls(string topic) => [new(DynsecAclType.PublishClientSend, topic)];

    private static IReadOnlyList<DynsecAcl> SubscribeAcls(string topic) =>
        [new(DynsecAclType.SubscribeLiteral, topic), new(DynsecAclType.PublishClientReceive, topic)];

    private static string? Owner(DynsecRole role) =>
        role.TextName is { } t && t.StartsWith(OwnerPrefix, StringComparison.Ordinal) ? t[OwnerPrefix.Length..] : null;

    /// <summary>A readable, bounded role name; the hash keeps topics that sanitise alike apart.</summary>
    public static string RoleName(string kind, string topic)
    {
        var readable = Unsafe().Replace(topic, "_");
        if (readable.Length > 80) readable = readable[..80];
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(topic)))[..8];
        return $"speck-{kind}-{readable}-{hash}";
    }

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex Unsafe();

    internal static MqttEndpoint? Admin(BrokerEndpoint e) =>
        e.AdminUsername is { } u && e.AdminPassword is { } p ? Parse(e, new MqttCredentials(u, p)) : null;

    private static MqttEndpoint User(BrokerEndpoint e) =>
        Parse(e, e.Username is { } u ? new MqttCredentials(u, e.Password ?? "") : null);

    // Check refuses a bad broker URL by name; recorded state has not passed Check, so it is refused by name here too.
    private static MqttEndpoint Parse(BrokerEndpoint e, MqttCredentials? credentials)
    {
        try { return MqttUrl.Parse(e.Url, credentials, e.CaCert); }
        catch (FormatException x) { throw ProviderException.Invalid($"broker.url: {x.Message}"); }
    }

    private MqttProbeOptions ProbeOptions() => MqttProbeOptions.Default with
    {
        Connection = MqttProbeOptions.Default.Connection with
        {
            ConnectTimeout = config.Current.ProbeTimeout(),
            ClientIdPrefix = config.Current.MqttClientIdPrefix ?? "speck",
        },
    };

    /// <summary>Without an admin a topic is what the broker lets the site's login subscribe to.</summary>
    private async Task<MqttTopicCheckResult> CheckTopicAsync(BrokerEndpoint endpoint, string topic, CancellationToken ct)
    {
        try
        {
            return await _topicChecks.CheckAsync(User(endpoint), topic, ProbeOptions().Connection, ct);
        }
        catch (MqttConnectException e)
        {
            throw ProviderException.Unavailable($"MQTT broker at {MqttUrl.Redact(endpoint.Url)}: {e.Message}", e);
        }
    }
}

using MQTTnet;
using Speck.Host.Resources;
using Speck.Provider.Brokers.Mqtt.Dynsec;
using Speck.Provider.Model;

namespace Speck.Provider.Brokers.Mqtt;

/// <summary>
/// A job's own Mosquitto client through dynamic security. Its text name carries the owner tag, so a replacement
/// never takes over or deletes the client of the job that replaced it. Changing a client's roles makes the broker
/// disconnect it (DISCONNECT 152), so roles are only touched when they really differ.
/// </summary>
public sealed class MqttJobCredentials(ConfigSource config, DynsecConnectionPool dynsec) : IJobCredentials
{
    private const string OwnerPrefix = "speck-job:";

    public async Task<JobAccessRecord> GrantAsync(BrokerEndpoint broker, JobAccess access, string password, CancellationToken ct)
    {
        var dynsec = Dynsec(broker);
        var existing = await dynsec.GetClientAsync(access.Username, ct);
        if (existing is null)
        {
            await dynsec.CreateClientAsync(access.Username, password, OwnerPrefix + access.OwnerTag,
                access.Roles.Select(r => new DynsecRoleRef(r)).ToList(), ct);
            return new JobAccessRecord(access.Username, access.Roles, []);
        }
        if (Owner(existing) is { } other && other != access.OwnerTag)
            throw ProviderException.Precondition(
                $"broker client '{access.Username}' already exists and belongs to another job (owner {other})");

        // Every change makes the broker drop the job's connection, so only what differs is changed, judged from the
        // one read of the client above.
        if (!await LogsInAsync(broker, access.Username, password, ct))
            await dynsec.SetClientPasswordAsync(access.Username, password, ct);
        var held = existing.Roles.Select(r => r.RoleName).ToHashSet(StringComparer.Ordinal);
        foreach (var role in held.Except(access.Roles))
            await dynsec.RemoveClientRoleAsync(access.Username, role, ct);
        foreach (var role in access.Roles.Except(held))
            await dynsec.AddClientRoleAsync(existing, role, ct: ct);
        return new JobAccessRecord(access.Username, access.Roles, []);
    }

    public async Task<JobAccessRecord?> ReadAsync(BrokerEndpoint broker, JobAccess access, string password, CancellationToken ct)
    {
        var client = await Dynsec(broker).GetClientAsync(access.Username, ct);
        if (client is null) return null;
        var drift = new List<string>();
        var held = client.Roles.Select(r => r.RoleName).ToList();
        if (!held.ToHashSet().SetEquals(access.Roles))
            drift.Add($"client '{access.Username}' has roles [{string.Join(", ", held)}], expected [{string.Join(", ", access.Roles)}]");
        if (Owner(client) is { } other && other != access.OwnerTag)
            drift.Add($"client '{access.Username}' was taken over (owner {other})");
        if (client.Disabled)
            drift.Add($"client '{access.Username}' was disabled");
        else if (!await LogsInAsync(broker, access.Username, password, ct))
            // Passwords are write-only in dynsec (docs/mosquitto-dynsec.md §Passwords are write-only): a login is the
            // only way to tell.
            drift.Add($"client '{access.Username}' no longer accepts its recorded password");
        return new JobAccessRecord(access.Username, held, drift);
    }

    public async Task RevokeAsync(BrokerEndpoint broker, JobAccess access, CancellationToken ct)
    {
        var dynsec = Dynsec(broker);
        var client = await dynsec.GetClientAsync(access.Username, ct);
        if (client is null || (Owner(client) is { } other && other != access.OwnerTag)) return;
        await dynsec.DeleteClientAsync(access.Username, ct);
    }

    private async Task<bool> LogsInAsync(BrokerEndpoint broker, string username, string password, CancellationToken ct)
    {
        var endpoint = MqttUrl.Parse(broker.Url, new MqttCredentials(username, password), broker.CaCert);
        using var client = new MqttClientFactory().CreateMqttClient();
        var options = MqttConnectionOptions.Default with
        {
            ConnectTimeout = config.Current.ProbeTimeout(),
            ClientIdPrefix = config.Current.MqttClientIdPrefix ?? "speck",
        };
        try
        {
            await MqttConnector.ConnectAsync(client, endpoint, MqttConnector.NewClientId(options.ClientIdPrefix, "login-check"), options, ct);
            await client.DisconnectAsync(cancellationToken: ct);
            return true;
        }
        catch (MqttConnectException e) when (e.Failure == MqttConnectFailure.BadCredentials)
        {
            return false;
        }
        catch (MqttConnectException e)
        {
            throw ProviderException.Unavailable($"MQTT broker at {MqttUrl.Redact(broker.Url)}: {e.Message}", e);
        }
    }

    private MosquittoDynsec Dynsec(BrokerEndpoint broker) =>
        MqttBinder.Admin(broker) is { } admin
            ? dynsec.For(admin)
            : throw ProviderException.Precondition(
                $"the broker at {MqttUrl.Redact(broker.Url)} has no dynamic-security admin on its site: per-job credentials need adminUsername and adminPassword");

    private static string? Owner(DynsecClient client) =>
        client.TextName is { } t && t.StartsWith(OwnerPrefix, StringComparison.Ordinal) ? t[OwnerPrefix.Length..] : null;
}

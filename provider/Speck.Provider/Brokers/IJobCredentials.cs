using Speck.Provider.Model;

namespace Speck.Provider.Brokers;

/// <summary>
/// What one job may do on one broker: subscribe through the roles of its sources, publish through the role of its
/// sink, nothing else. <see cref="OwnerTag"/> marks the broker client as this job's, as topics mark their roles.
/// </summary>
public sealed record JobAccess(string Username, string OwnerTag, IReadOnlyList<string> Roles);

/// <summary>The job's client as the broker keeps it; <see cref="Drift"/> lists what differs from the grant.</summary>
public sealed record JobAccessRecord(string Username, IReadOnlyList<string> Roles, IReadOnlyList<string> Drift);

/// <summary>
/// Least-privilege broker logins for stream jobs, on brokers with access control. Passwords are chosen by the
/// caller (a Pulumi secret) and are write-only on the broker.
/// </summary>
public interface IJobCredentials
{
    /// <summary>
    /// Creates the job's client, or brings an existing one of this owner in line, changing only what differs (each
    /// change makes the broker drop the job's connection).
    /// </summary>
    Task<JobAccessRecord> GrantAsync(BrokerEndpoint broker, JobAccess access, string password, CancellationToken ct);

    /// <summary>Null when the client is gone; otherwise what differs, including a password changed behind our back.</summary>
    Task<JobAccessRecord?> ReadAsync(BrokerEndpoint broker, JobAccess access, string password, CancellationToken ct);

    /// <summary>
    /// Removes the client (before the roles it uses: Mosquitto 2.0.11 crashes otherwise, docs/mosquitto-dynsec.md
    /// §Deleting a role held by a client).
    /// </summary>
    Task RevokeAsync(BrokerEndpoint broker, JobAccess access, CancellationToken ct);
}

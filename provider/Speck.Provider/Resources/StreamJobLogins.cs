using Speck.Host.Resources;
using System.Security.Cryptography;
using System.Text;
using Speck.Provider.Brokers;
using Speck.Provider.Model;

namespace Speck.Provider.Resources;

/// <summary>
/// A job's own broker logins: one client per broker its topics are on, where that broker has access control (the
/// site gave dynamic-security admin credentials). The client may subscribe through its sources' roles and publish
/// through its sink's role, nothing else. Passwords are generated here and kept in the state as secrets.
/// </summary>
internal sealed class StreamJobLogins(Binders binders)
{
    /// <summary>
    /// The logins <paramref name="args"/> needs, each with the roles it must hold (no passwords yet). A broker's admin
    /// credentials may come from the provider's `credentials` instead of the topic's endpoint. A broker the job already
    /// has a login on (<paramref name="recorded"/>) keeps that login's name and owner: both are made from the URN at
    /// creation, and a job renamed with an alias has another URN but is the same job.
    /// </summary>
    public IReadOnlyList<(BrokerEndpoint Broker, JobAccess Access)> Plan(string urn, string resourceName, StreamJobArgs args, IReadOnlyList<BrokerLogin>? recorded)
    {
        var topics = (args.Sources ?? []).Select(t => (Topic: t, Role: t.SubscribeRole))
            .Append((Topic: args.Sink, Role: args.Sink?.PublishRole))
            .Where(t => t.Topic is not null && binders.Credentials.Complete(t.Topic.Broker) is { AdminUsername: not null, AdminPassword: not null } && t.Role is not null);
        return topics
            .GroupBy(t => t.Topic.Broker.Url, StringComparer.Ordinal)
            .Select(g =>
            {
                var had = recorded?.FirstOrDefault(l => l.BrokerUrl == g.Key);
                var roles = g.Select(t => t.Role!).Distinct(StringComparer.Ordinal).ToList();
                return (g.First().Topic.Broker, new JobAccess(had?.Username ?? Username(urn, resourceName, g.Key), had?.OwnerTag ?? Owner(urn), roles));
            })
            .ToList();
    }

    /// <summary>
    /// The logins <paramref name="args"/> needs, with their passwords, made nowhere yet (<see cref="GrantAsync"/> makes
    /// them), so that the job's code can carry them and be checked before anything exists on a broker. Passwords of
    /// <paramref name="previous"/> are kept for the same broker unless <paramref name="rotate"/>.
    /// </summary>
    public List<BrokerLogin> Choose(ResourceContext ctx, StreamJobArgs args, IReadOnlyList<BrokerLogin>? previous, bool rotate)
    {
        var logins = new List<BrokerLogin>();
        foreach (var (broker, access) in Plan(ctx.Urn, ctx.Name, args, previous))
        {
            var kept = rotate ? null : previous?.FirstOrDefault(l => l.BrokerUrl == broker.Url && l.Username == access.Username)?.Password;
            var password = kept ?? NewPassword();
            ctx.KeepSecret(password); // an engine's error may echo the job's arguments, which carry it
            if (Credentials(broker) is null) continue;
            logins.Add(new BrokerLogin { BrokerUrl = broker.Url, Username = access.Username, Password = password, OwnerTag = access.OwnerTag });
        }
        return logins;
    }

    /// <summary>
    /// Makes sure every login <see cref="Choose"/> chose exists on its broker as planned; logins of brokers no longer
    /// used are revoked by <see cref="RevokeAsync"/>.
    /// </summary>
    public async Task GrantAsync(ResourceContext ctx, StreamJobArgs args, IReadOnlyList<BrokerLogin> logins, CancellationToken ct)
    {
        foreach (var (broker, access) in Plan(ctx.Urn, ctx.Name, args, logins))
            if (Credentials(broker) is { } credentials && logins.FirstOrDefault(l => l.BrokerUrl == broker.Url && l.Username == access.Username) is { } login)
                await credentials.GrantAsync(broker, access, login.Password, ct);
    }

    /// <summary>What differs on the brokers from <paramref name="logins"/>, as sentences for the user.</summary>
    public async Task<List<string>> DriftAsync(string urn, string resourceName, StreamJobArgs args, IReadOnlyList<BrokerLogin> logins, CancellationToken ct)
    {
        var drift = new List<string>();
        foreach (var (broker, access) in Plan(urn, resourceName, args, logins))
        {
            if (Credentials(broker) is not { } credentials) continue;
            var login = logins.FirstOrDefault(l => l.BrokerUrl == broker.Url && l.Username == access.Username);
            if (login is null) { drift.Add($"the job has no login on {broker.Url} yet"); continue; }
            var found = await credentials.ReadAsync(broker, access, login.Password, ct);
            if (found is null) drift.Add($"broker client '{access.Username}' on {broker.Url} was deleted");
            else drift.AddRange(found.Drift);
        }
        return drift;
    }

    /// <summary>Revokes the logins in <paramref name="logins"/> that <paramref name="keep"/> does not hold.</summary>
    public async Task RevokeAsync(string urn, IReadOnlyList<BrokerLogin>? logins, IReadOnlyList<BrokerLogin> keep,
        IEnumerable<TopicEndpoint> topicsOfOldJob, CancellationToken ct)
    {
        var brokers = topicsOfOldJob.Where(t => t is not null).Select(t => t.Broker).DistinctBy(b => b.Url).ToDictionary(b => b.Url);
        foreach (var login in logins ?? [])
        {
            if (keep.Any(k => k.BrokerUrl == login.BrokerUrl && k.Username == login.Username)) continue;
            if (!brokers.TryGetValue(login.BrokerUrl, out var broker) || Credentials(broker) is not { } credentials) continue;
            await credentials.RevokeAsync(broker, new JobAccess(login.Username, login.OwnerTag ?? Owner(urn), []), ct);
        }
    }

    private IJobCredentials? Credentials(BrokerEndpoint broker) => binders.Broker(broker.Kind).JobCredentials;

    /// <summary>Readable and unique per job and broker, within dynsec's name rules.</summary>
    internal static string Username(string urn, string resourceName, string brokerUrl)
    {
        var readable = new string(resourceName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
        if (readable.Length > 40) readable = readable[..40];
        return $"speck-job-{readable}-{Hash(urn + "\n" + brokerUrl)[..10]}";
    }

    internal static string Owner(string urn) => OwnerTags.Of(urn);

    private static string Hash(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)));

    private static string NewPassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
}

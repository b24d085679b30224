using System.Text.RegularExpressions;
using Speck.Provider;
using Speck.Provider.Brokers;
using Speck.Provider.Brokers.Mqtt;
using Speck.Provider.Brokers.Mqtt.Dynsec;
using Speck.Provider.Model;

namespace Speck.Tests.Provider.Brokers.Mqtt;

/// <summary>
/// Each topic operation reads each of its two roles from the broker once, and a job's login is read once per grant:
/// the owner check and the create, update or delete after it work from that one read. Counted from the client's log,
/// one line per control message it sends.
/// </summary>
public sealed class MqttDynsecReadsTests : IClassFixture<DynsecBrokerFixture>, IAsyncLifetime
{
    private readonly DynsecBrokerFixture _fx;
    private readonly List<string> _sent = [];
    private readonly DynsecConnectionPool _pool;
    private readonly MqttBinder _binder;
    private readonly MqttJobCredentials _logins;

    public MqttDynsecReadsTests(DynsecBrokerFixture fx)
    {
        _fx = fx;
        _pool = new DynsecConnectionPool(new DynsecOptions { Log = line => { lock (_sent) _sent.Add(line); } });
        _binder = new MqttBinder(new ConfigSource(), _pool);
        _logins = new MqttJobCredentials(new ConfigSource(), _pool);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _pool.DisposeAsync();

    private BrokerEndpoint Broker => new()
    {
        Kind = BrokerKind.Mqtt, Url = _fx.Broker.Url, AdminUsername = _fx.Broker.AdminUser, AdminPassword = _fx.Broker.AdminPassword,
    };

    [Fact]
    public async Task Create_again_read_and_delete_read_each_role_once()
    {
        var request = new TopicRequest(MqttTest.Unique("reads") + "/t", MqttTest.Unique("owner"));
        var roles = new[] { MqttBinder.RoleName("pub", request.Name), MqttBinder.RoleName("sub", request.Name) };

        var created = await CountReadsAsync(roles, () => _binder.CreateTopicAsync(Broker, request, CancellationToken.None));
        Assert.Equal(new[] { 1, 1 }, created.Reads);
        Assert.Equal((roles[0], roles[1]), (created.Result.PublishRole, created.Result.SubscribeRole));

        // A second create of the same topic by its owner (a retried create) finds both roles as they should be.
        var again = await CountReadsAsync(roles, () => _binder.CreateTopicAsync(Broker, request, CancellationToken.None));
        Assert.Equal(new[] { 1, 1 }, again.Reads);

        // A role whose ACLs were changed by hand is put back by the create, still from one read.
        await _fx.Dynsec.SetRoleAclsAsync(roles[0], []);
        var repaired = await CountReadsAsync(roles, () => _binder.CreateTopicAsync(Broker, request, CancellationToken.None));
        Assert.Equal(new[] { 1, 1 }, repaired.Reads);
        Assert.Single((await _fx.Dynsec.GetRoleAsync(roles[0]))!.Acls);

        var read = await CountReadsAsync(roles, () => _binder.ReadTopicAsync(Broker, created.Result, CancellationToken.None));
        Assert.Equal(new[] { 1, 1 }, read.Reads);
        Assert.Empty(read.Result!.Drift);

        var deleted = await CountReadsAsync(roles, () => _binder.DeleteTopicAsync(Broker, created.Result, CancellationToken.None));
        Assert.Equal(new[] { 1, 1 }, deleted.Reads);
        Assert.Null(await _fx.Dynsec.GetRoleAsync(roles[0]));
        Assert.Null(await _fx.Dynsec.GetRoleAsync(roles[1]));
    }

    [Fact]
    public async Task A_grant_to_an_existing_login_reads_it_once_however_many_roles_it_gains()
    {
        var topic = await _binder.CreateTopicAsync(Broker, new TopicRequest(MqttTest.Unique("grant") + "/t", "t"), CancellationToken.None);
        var other = await _binder.CreateTopicAsync(Broker, new TopicRequest(MqttTest.Unique("grant") + "/u", "u"), CancellationToken.None);
        var access = new JobAccess(MqttTest.Unique("job"), "j", [topic.SubscribeRole!]);
        await _logins.GrantAsync(Broker, access, "pw", CancellationToken.None);

        var wider = access with { Roles = [topic.SubscribeRole!, other.SubscribeRole!, other.PublishRole!] };
        var granted = await CountAsync("getClient", [access.Username], () => _logins.GrantAsync(Broker, wider, "pw", CancellationToken.None));

        Assert.Equal(new[] { 1 }, granted.Reads);
        var held = (await _fx.Dynsec.GetClientAsync(access.Username))!.Roles.Select(r => r.RoleName);
        Assert.Equal(wider.Roles.Order(StringComparer.Ordinal), held.Order(StringComparer.Ordinal));
    }

    private Task<(T Result, int[] Reads)> CountReadsAsync<T>(string[] roles, Func<Task<T>> operation) =>
        CountAsync("getRole", roles, operation);

    private async Task<(T Result, int[] Reads)> CountAsync<T>(string command, string[] subjects, Func<Task<T>> operation)
    {
        lock (_sent) _sent.Clear();
        var result = await operation();
        lock (_sent)
        {
            var sent = string.Join("\n", _sent);
            return (result, subjects.Select(s => Regex.Count(sent, $@"\b{command} '{Regex.Escape(s)}'")).ToArray());
        }
    }
}

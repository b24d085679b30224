using System.Net;
using Speck.Provider.Spe.NodeRed;
using Speck.Testbed.NodeRed;
using Speck.Tests.Provider.Brokers.Mqtt;

namespace Speck.Tests.Provider.Spe.NodeRed;

/// <summary>One Node-RED with adminAuth (a user with a bcrypt password and a static token) per test class.</summary>
public sealed class AuthNodeRedFixture : IAsyncLifetime
{
    public NodeRedEngine Engine { get; private set; } = null!;
    public NodeRedAdminAuth Auth { get; } = new() { Token = "tok-" + Guid.NewGuid().ToString("N") };

    public async Task InitializeAsync() => Engine = await NodeRedEngine.StartAsync(new NodeRedEngineOptions { AdminAuth = Auth });

    public NodeRedClient Client(string? token = null, string? user = null, string? password = null) =>
        new(new HttpClient { BaseAddress = new Uri(Engine.Url + "/") }, token, user, password);

    public async Task DisposeAsync() => await Engine.DisposeAsync();
}

public sealed class NodeRedAuthTests(AuthNodeRedFixture site) : IClassFixture<AuthNodeRedFixture>
{
    private static NodeRedFlow Flow() => NodeRedFlowBuilder.Build(new NodeRedJobSpec
    {
        JobKey = MqttTest.Unique("auth-job"),
        Name = "auth job",
        FunctionBody = "return msg;",
        Sources = [],
    });

    [Fact]
    public async Task Static_token_deploys_reads_and_deletes()
    {
        var jobs = new NodeRedJobs(site.Client(token: site.Auth.Token));
        var flow = Flow();
        var dep = await jobs.DeployAsync(flow, CancellationToken.None);
        Assert.Equal(NodeRedFlowState.InSync, (await jobs.ReadAsync(dep.FlowId, dep.Hash, CancellationToken.None)).State);
        Assert.True(await jobs.DeleteAsync(dep.FlowId, CancellationToken.None));
    }

    [Fact]
    public async Task Username_and_password_are_traded_for_a_token()
    {
        var client = site.Client(user: site.Auth.Username, password: site.Auth.Password);
        Assert.Equal("4.1.15", (await client.GetSettingsAsync(CancellationToken.None)).Version);
        Assert.Contains("function", await client.GetNodeTypesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Without_a_token_nothing_is_read_or_written()
    {
        var jobs = new NodeRedJobs(site.Client());
        var e = await Assert.ThrowsAsync<NodeRedApiException>(() => jobs.DeployAsync(Flow(), CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
        var wrong = await Assert.ThrowsAsync<NodeRedApiException>(() => site.Client(token: "not-the-token").GetFlowsAsync(CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_fails_once_with_node_reds_reason_and_without_the_password()
    {
        const string password = "wrong-Pw-3c9d";
        var e = await Assert.ThrowsAsync<NodeRedApiException>(() =>
            site.Client(user: site.Auth.Username, password: password).GetSettingsAsync(CancellationToken.None));
        Assert.Equal(HttpStatusCode.Forbidden, e.StatusCode);
        Assert.Equal("invalid_grant", e.Code);
        Assert.DoesNotContain(password, e.Message);
    }
}

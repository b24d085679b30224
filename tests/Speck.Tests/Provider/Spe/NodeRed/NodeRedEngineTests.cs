using System.Net;
using System.Net.Http.Headers;
using Speck.Testbed.NodeRed;

namespace Speck.Tests.Provider.Spe.NodeRed;

public sealed class NodeRedEngineTests
{
    [Fact]
    public async Task Starts_answers_with_the_pinned_version_and_stops_without_leaving_a_process()
    {
        var engine = await NodeRedEngine.StartAsync();
        var pid = engine.Pid;
        var dir = engine.Directory;
        try
        {
            Assert.Equal("node-red", NodeRedProcess.CommandName(pid));
            using var http = new HttpClient();
            var settings = await http.GetStringAsync(engine.Url + "/settings");
            Assert.Contains("\"version\":\"4.1.15\"", settings);
            // Editor off (docs/nodered.md §Headless settings): the root is not served, the Admin API is.
            using var root = await http.GetAsync(engine.Url + "/");
            Assert.Equal(HttpStatusCode.NotFound, root.StatusCode);
        }
        finally
        {
            await engine.DisposeAsync();
        }

        Assert.False(NodeRedProcess.IsAlive(pid));
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public async Task With_admin_auth_the_api_wants_the_static_token()
    {
        var auth = new NodeRedAdminAuth { Token = "tok-" + Guid.NewGuid().ToString("N") };
        await using var engine = await NodeRedEngine.StartAsync(new NodeRedEngineOptions { AdminAuth = auth });
        using var http = new HttpClient { BaseAddress = new Uri(engine.Url + "/") };

        using (var anonymous = await http.GetAsync("flows"))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var withToken = new HttpRequestMessage(HttpMethod.Get, "flows");
        withToken.Headers.Authorization = new AuthenticationHeaderValue("Bearer", auth.Token);
        using (var res = await http.SendAsync(withToken))
            Assert.Equal(HttpStatusCode.OK, res.StatusCode);

        Assert.DoesNotContain(auth.Password, await File.ReadAllTextAsync(engine.SettingsPath));
        Assert.DoesNotContain(auth.Token, await File.ReadAllTextAsync(engine.SettingsPath));
    }

    [Fact]
    public async Task Restart_keeps_the_port_and_answers_again()
    {
        await using var engine = await NodeRedEngine.StartAsync();
        var (port, firstPid) = (engine.Port, engine.Pid);
        await engine.RestartAsync();
        Assert.Equal(port, engine.Port);
        Assert.NotEqual(firstPid, engine.Pid);
        Assert.False(NodeRedProcess.IsAlive(firstPid));
        using var http = new HttpClient();
        Assert.Contains("4.1.15", await http.GetStringAsync(engine.Url + "/settings"));
    }
}

using System.Diagnostics;
using System.Text.Json;
using Speck.Provider.Brokers.Mqtt;
using Speck.Provider.Brokers.Mqtt.Dynsec;
using Speck.Testbed.Mosquitto;

namespace Speck.Tests.Provider.Brokers.Mqtt;

public class MosquittoBrokerTests
{
    [Fact]
    public async Task Anonymous_broker_starts_on_loopback_and_stops()
    {
        var broker = await MosquittoBroker.StartAsync();
        var directory = broker.Directory;
        try
        {
            Assert.True(broker.IsRunning);
            Assert.Equal($"mqtt://127.0.0.1:{broker.Port}", broker.Url);
            Assert.Null(broker.AdminUser);
            Assert.Null(broker.DynsecFilePath);
            Assert.Equal("mosquitto", Process.GetProcessById(broker.Pid).ProcessName);

            var config = await File.ReadAllTextAsync(broker.ConfigPath);
            Assert.Contains($"listener {broker.Port} 127.0.0.1", config);
            Assert.Contains("per_listener_settings false", config);
            Assert.Contains("set_tcp_nodelay true", config);
            Assert.Contains("log_dest stderr", config);
            Assert.Contains("allow_anonymous true", config);

            using var client = await MqttTest.ConnectAsync(broker);
            Assert.Contains("running", await broker.ReadLogAsync());

            await broker.StopAsync();
            Assert.False(broker.IsRunning);
            Assert.True(Directory.Exists(directory));
        }
        finally
        {
            await broker.DisposeAsync();
        }

        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public void Finds_the_dynsec_plugin()
    {
        var plugin = MosquittoBroker.FindDynsecPlugin();
        Assert.NotNull(plugin);
        Assert.EndsWith(MosquittoBroker.DynsecPluginFileName, plugin);
        Assert.NotNull(MosquittoBroker.FindMosquitto());
        Assert.NotNull(MosquittoBroker.FindMosquittoCtrl());
    }

    [Fact]
    public async Task Dynsec_broker_owns_its_file_and_keeps_changes_across_a_restart()
    {
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Dynsec = true, AdminUser = "boss" });
        Assert.Equal("boss", broker.AdminUser);
        Assert.Contains("allow_anonymous false", await File.ReadAllTextAsync(broker.ConfigPath));

        using (var doc = JsonDocument.Parse(await File.ReadAllTextAsync(broker.DynsecFilePath!)))
        {
            Assert.Contains(doc.RootElement.GetProperty("clients").EnumerateArray(), c => c.GetProperty("username").GetString() == "boss");
        }

        if (Environment.UserName == "root")
        {
            // The broker runs as 'mosquitto'; a root-owned dynsec.json silently loses every change
            // (docs/mosquitto-dynsec.md §dynsec.json must belong to the broker's user).
            Assert.Equal("mosquitto", FileOwner(broker.DynsecFilePath!));
            Assert.Equal("mosquitto", FileOwner($"/proc/{broker.Pid}"));
        }

        var admin = MqttTest.AdminEndpoint(broker);
        await using (var pool = new DynsecConnectionPool())
        {
            Assert.Equal(DynsecUpsertResult.Created, await pool.For(admin).CreateRoleAsync("kept", "Kept", [new(DynsecAclType.PublishClientSend, "k/t")]));
        }

        var oldPid = broker.Pid;
        await broker.RestartAsync();
        Assert.True(broker.IsRunning);
        Assert.NotEqual(oldPid, broker.Pid);
        Assert.DoesNotContain("not writable", await broker.ReadLogAsync());

        await using (var pool = new DynsecConnectionPool())
        {
            var role = await pool.For(admin).GetRoleAsync("kept");
            Assert.NotNull(role);
            Assert.Equal("Kept", role.TextName);
            Assert.Equal([new DynsecAcl(DynsecAclType.PublishClientSend, "k/t")], role.Acls);
        }
    }

    [Fact]
    public async Task Wrong_admin_password_is_refused()
    {
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Dynsec = true });
        Assert.Equal(MQTTnet.MqttClientConnectResultCode.Success, await MqttTest.TryConnectAsync(broker, broker.AdminUser!, broker.AdminPassword!));
        Assert.Equal(MQTTnet.MqttClientConnectResultCode.NotAuthorized, await MqttTest.TryConnectAsync(broker, broker.AdminUser!, "wrong"));
    }

    [Fact]
    public async Task Two_brokers_get_different_ports()
    {
        await using var a = await MosquittoBroker.StartAsync();
        await using var b = await MosquittoBroker.StartAsync();
        Assert.NotEqual(a.Port, b.Port);
        Assert.NotEqual(a.Directory, b.Directory);
    }

    private static string FileOwner(string path)
    {
        var uid = StatUid(path);
        return File.ReadLines("/etc/passwd").Select(l => l.Split(':')).First(f => f[2] == uid.ToString())[0];
    }

    private static int StatUid(string path)
    {
        using var p = Process.Start(new ProcessStartInfo("stat", ["-c", "%u", path]) { RedirectStandardOutput = true })!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return int.Parse(output.Trim());
    }
}

using Speck.Testbed.Mosquitto;

namespace Speck.Testbed.Traffic;

/// <summary>
/// A short-lived dynsec client holding one role (a topic's publish role), made with the broker's admin login, so the
/// generator publishes as a data source would: allowed on its topic and nowhere else. Disposing deletes the client.
/// </summary>
public sealed class TrafficLogin : IAsyncDisposable
{
    private readonly Func<string[], Task<string>> _ctrl;

    private TrafficLogin(string username, string password, Func<string[], Task<string>> ctrl) => (Username, Password, _ctrl) = (username, password, ctrl);

    public string Username { get; }
    public string Password { get; }

    public static async Task<TrafficLogin> CreateAsync(Uri broker, string adminUser, string adminPassword, string role, CancellationToken ct = default)
    {
        Task<string> Ctrl(string[] a) => MosquittoCtrl.DynsecAsync(broker.Host, broker.Port, adminUser, adminPassword, a, ct);
        var login = new TrafficLogin($"traffic-{Guid.NewGuid():N}"[..20], Guid.NewGuid().ToString("N"), Ctrl);
        await Ctrl(["createClient", login.Username, "-p", login.Password]);
        try
        {
            await Ctrl(["addClientRole", login.Username, role]);
        }
        catch
        {
            await login.DisposeAsync();
            throw;
        }
        return login;
    }

    public async ValueTask DisposeAsync() => await _ctrl(["deleteClient", Username]);
}

namespace Speck.Testbed.Mosquitto;

/// <summary>How to start a local Mosquitto. Defaults give an anonymous broker on a free loopback port.</summary>
public sealed record MosquittoBrokerOptions
{
    /// <summary>Load the dynamic-security plugin, initialised with <see cref="AdminUser"/>/<see cref="AdminPassword"/>.</summary>
    public bool Dynsec { get; init; }

    public string AdminUser { get; init; } = "admin";

    /// <summary>Random per options instance, so parallel brokers never share a password by accident.</summary>
    public string AdminPassword { get; init; } = "Adm-" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>Defaults to true without dynsec and false with it.</summary>
    public bool? AllowAnonymous { get; init; }

    /// <summary>Fixed port, or null for a free one picked on 127.0.0.1.</summary>
    public int? Port { get; init; }

    /// <summary>The address clients (and the readiness check) use; the listener binds it unless <see cref="BindAddress"/> says otherwise.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The listener's address, e.g. <c>0.0.0.0</c> inside a network namespace; null binds <see cref="Host"/>.</summary>
    public string? BindAddress { get; init; }

    /// <summary>Run inside this network namespace (<c>ip netns exec</c>); null runs in the caller's.</summary>
    public string? NetworkNamespace { get; init; }

    /// <summary>Directory for config, dynsec.json and log; null creates (and later deletes) a temp directory.</summary>
    public string? WorkDirectory { get; init; }

    /// <summary>Keep the work directory after stopping, for post-mortems.</summary>
    public bool KeepDirectory { get; init; }

    public string? MosquittoPath { get; init; }
    public string? MosquittoCtrlPath { get; init; }
    public string? DynsecPluginPath { get; init; }

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Lines appended to mosquitto.conf (for example a second listener with TLS).</summary>
    public IReadOnlyList<string> ExtraConfig { get; init; } = [];
}

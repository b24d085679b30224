namespace Speck.Testbed.NodeRed;

/// <summary>Node-RED adminAuth for a local engine: one user with full rights, and optionally a static API token.</summary>
public sealed record NodeRedAdminAuth
{
    public string Username { get; init; } = "speck";

    /// <summary>Random per instance; hashed with bcrypt by the engine's own bcryptjs when settings.js loads.</summary>
    public string Password { get; init; } = "Nr-" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>A static bearer token (adminAuth.tokens) for <see cref="Username"/>, or null for login only.</summary>
    public string? Token { get; init; }
}

/// <summary>How to start a local Node-RED. Defaults give an engine without auth on a free loopback port.</summary>
public sealed record NodeRedEngineOptions
{
    /// <summary>Fixed port, or null for a free one picked on 127.0.0.1.</summary>
    public int? Port { get; init; }

    /// <summary>The address clients (and the readiness check) use; the Admin API binds it unless <see cref="BindAddress"/> says otherwise.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The Admin API's address, e.g. <c>0.0.0.0</c> inside a network namespace; null binds <see cref="Host"/>.</summary>
    public string? BindAddress { get; init; }

    /// <summary>Run inside this network namespace (<c>ip netns exec</c>); null runs in the caller's.</summary>
    public string? NetworkNamespace { get; init; }

    /// <summary>Directory for settings.js, the user dir and the log; null creates (and later deletes) a temp directory.</summary>
    public string? WorkDirectory { get; init; }

    /// <summary>Keep the work directory after stopping, for post-mortems.</summary>
    public bool KeepDirectory { get; init; }

    /// <summary>Folder holding node_modules/node-red (tests/nodered); found from the repository when null.</summary>
    public string? InstallDirectory { get; init; }

    /// <summary>The node executable; found on PATH (or SPECK_NODE) when null.</summary>
    public string? NodePath { get; init; }

    /// <summary>Admin API authentication; null leaves the API open (loopback only).</summary>
    public NodeRedAdminAuth? AdminAuth { get; init; }

    /// <summary>Encrypts flows_cred.json; must stay the same for the life of a user dir.</summary>
    public string CredentialSecret { get; init; } = Guid.NewGuid().ToString("N");

    /// <summary>How long MQTT nodes wait before reconnecting (Node-RED's default settings use 15 s).</summary>
    public TimeSpan MqttReconnectTime { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long SIGINT gets to stop the engine (it closes MQTT clients) before SIGKILL.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(5);
}

using Confluent.Kafka;
using Speck.Provider.Model;

namespace Speck.Provider.Brokers.Kafka;

/// <summary>
/// How the provider reaches a Kafka site: the bootstrap list, SASL/PLAIN when the site has a user, TLS when it has
/// a CA certificate. <see cref="ToString"/> never shows the password.
/// </summary>
public sealed record KafkaConnection(string BootstrapServers, string? Username, string? Password, string? CaCert, TimeSpan Timeout)
{
    public static KafkaConnection For(BrokerEndpoint endpoint, TimeSpan timeout) =>
        new(KafkaUrl.BootstrapServers(endpoint.Url), endpoint.Username, endpoint.Password, endpoint.CaCert, timeout);

    public AdminClientConfig AdminConfig()
    {
        var ms = (int)Math.Clamp(Timeout.TotalMilliseconds, 1, int.MaxValue);
        var config = new AdminClientConfig
        {
            BootstrapServers = BootstrapServers,
            ClientId = "pulumi-speck",
            SocketTimeoutMs = Math.Max(ms, 10),
            SocketConnectionSetupTimeoutMs = Math.Max(ms, 1000),
            // Never let a metadata request create the topic it asks about: reads must see a missing topic as missing.
            AllowAutoCreateTopics = false,
        };
        if (CaCert is not null) config.SslCaPem = CaCert;
        config.SecurityProtocol = (Username, CaCert) switch
        {
            (null, null) => SecurityProtocol.Plaintext,
            (null, _) => SecurityProtocol.Ssl,
            (_, null) => SecurityProtocol.SaslPlaintext,
            _ => SecurityProtocol.SaslSsl,
        };
        if (Username is not null)
        {
            config.SaslMechanism = SaslMechanism.Plain;
            config.SaslUsername = Username;
            config.SaslPassword = Password ?? "";
        }
        return config;
    }

    public override string ToString() => $"Kafka at {BootstrapServers}{(Username is null ? "" : $" as {Username}")}";
}

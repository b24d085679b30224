using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;

namespace Speck.Provider.Brokers.Mqtt;

/// <summary>Connection settings shared by the admin client, the probe and topic checks.</summary>
public sealed record MqttConnectionOptions
{
    public static MqttConnectionOptions Default { get; } = new();

    /// <summary>Upper bound for TCP connect + TLS + CONNACK. Exceeding it is reported as a timeout.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Client ids are this prefix plus a random suffix, so parallel connections never take each other over.</summary>
    public string ClientIdPrefix { get; init; } = "speck";
}

public enum MqttConnectFailure
{
    ConnectionRefused,
    Timeout,
    HostNotFound,
    /// <summary>CONNACK 134 (bad user name or password) or 135 (not authorized).</summary>
    BadCredentials,
    /// <summary>Any other non-zero CONNACK.</summary>
    Rejected,
    Tls,
    Other,
}

/// <summary>Connecting failed. The message names the endpoint URL and user, never the password.</summary>
public sealed class MqttConnectException(
    MqttConnectFailure failure,
    string endpointUrl,
    string message,
    int? connackReasonCode = null,
    Exception? inner = null) : Exception(message, inner)
{
    public MqttConnectFailure Failure { get; } = failure;
    public string EndpointUrl { get; } = endpointUrl;
    public int? ConnackReasonCode { get; } = connackReasonCode;
}

internal static class MqttConnector
{
    public static string NewClientId(string prefix, string role) =>
        $"{prefix}-{role}-{Guid.NewGuid().ToString("N")[..12]}";

    /// <summary>Connects <paramref name="client"/> (MQTT v5) or throws <see cref="MqttConnectException"/>.</summary>
    public static async Task<MqttClientConnectResult> ConnectAsync(
        IMqttClient client, MqttEndpoint endpoint, string clientId, MqttConnectionOptions options, CancellationToken ct)
    {
        string? tlsProblem = null;
        var mqttOptions = BuildOptions(endpoint, clientId, options, problem => tlsProblem = problem);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.ConnectTimeout);
        MqttClientConnectResult result;
        try
        {
            result = await client.ConnectAsync(mqttOptions, timeout.Token);
        }
        catch (Exception e) when (e is not MqttConnectException)
        {
            ct.ThrowIfCancellationRequested();
            throw Classify(e, endpoint, options, timeout.IsCancellationRequested, tlsProblem);
        }

        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            var code = (int)result.ResultCode;
            var who = endpoint.Credentials is null ? "an anonymous connection" : $"the login of user '{endpoint.Credentials.Username}'";
            var reason = string.IsNullOrEmpty(result.ReasonString) ? "" : $" ({result.ReasonString})";
            var credentialCodes = result.ResultCode is MqttClientConnectResultCode.BadUserNameOrPassword or MqttClientConnectResultCode.NotAuthorized;
            var hint = !credentialCodes ? ""
                : endpoint.Credentials is null ? "; the broker requires a username and password"
                : "; check the username and password (or whether the client is disabled)";
            throw new MqttConnectException(
                credentialCodes ? MqttConnectFailure.BadCredentials : MqttConnectFailure.Rejected,
                endpoint.Url,
                $"broker {endpoint.Url} refused {who}: CONNACK {code} {result.ResultCode}{reason}{hint}",
                code);
        }

        return result;
    }

    public static MqttClientOptions BuildOptions(
        MqttEndpoint endpoint, string clientId, MqttConnectionOptions options, Action<string>? tlsProblem = null)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(endpoint.Host, endpoint.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithCleanStart(true)
            .WithKeepAlivePeriod(options.KeepAlive)
            // Our own CancelAfter decides "timeout"; MQTTnet's timeout is only a backstop (it also bounds PUBACK waits).
            .WithTimeout(options.ConnectTimeout + options.ConnectTimeout);

        if (endpoint.Credentials is { } credentials) builder.WithCredentials(credentials.Username, credentials.Password);

        if (endpoint.UseTls)
        {
            var tls = new MqttClientTlsOptionsBuilder()
                .UseTls(true)
                .WithTargetHost(endpoint.Host)
                .WithRevocationMode(X509RevocationMode.NoCheck);
            if (endpoint.CaCertificatePem is { } pem)
            {
                var roots = MqttUrl.LoadCaCertificates(pem);
                tls.WithCertificateValidationHandler(args => ValidateAgainstCa(args, roots, tlsProblem));
            }

            builder.WithTlsOptions(tls.Build());
        }

        return builder.Build();
    }

    // A private CA replaces the system trust store for this endpoint; host-name checking still applies.
    private static bool ValidateAgainstCa(
        MqttClientCertificateValidationEventArgs args, X509Certificate2Collection roots, Action<string>? problem)
    {
        if (args.Certificate is null)
        {
            problem?.Invoke("the broker presented no certificate");
            return false;
        }

        if ((args.SslPolicyErrors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            problem?.Invoke("the broker certificate does not match the host name");
            return false;
        }

        var leaf = args.Certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(args.Certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (args.Chain is not null)
        {
            foreach (var element in args.Chain.ChainElements) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        }

        if (chain.Build(leaf)) return true;

        var status = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
        problem?.Invoke($"the broker certificate does not chain to the configured CA ({status})");
        return false;
    }

    private static MqttConnectException Classify(
        Exception e, MqttEndpoint endpoint, MqttConnectionOptions options, bool timedOut, string? tlsProblem)
    {
        var url = endpoint.Url;
        if (timedOut || Find<MqttCommunicationTimedOutException>(e) is not null)
        {
            return new MqttConnectException(MqttConnectFailure.Timeout, url,
                $"broker {url} did not complete the MQTT connect within {options.ConnectTimeout.TotalSeconds:0.###} s " +
                "(is something else listening on that port, or is the broker overloaded?)", inner: e);
        }

        if (Find<SocketException>(e) is { } socket)
        {
            switch (socket.SocketErrorCode)
            {
                case SocketError.ConnectionRefused:
                    return new MqttConnectException(MqttConnectFailure.ConnectionRefused, url,
                        $"connection to {url} was refused (is the broker running and listening on port {endpoint.Port}?)", inner: e);
                case SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData:
                    return new MqttConnectException(MqttConnectFailure.HostNotFound, url,
                        $"host '{endpoint.Host}' of {url} could not be resolved: {socket.Message}", inner: e);
                case SocketError.TimedOut:
                    return new MqttConnectException(MqttConnectFailure.Timeout, url,
                        $"TCP connect to {url} timed out", inner: e);
            }
        }

        if (tlsProblem is not null || Find<AuthenticationException>(e) is not null)
        {
            var detail = tlsProblem ?? Find<AuthenticationException>(e)!.Message;
            return new MqttConnectException(MqttConnectFailure.Tls, url, $"TLS handshake with {url} failed: {detail}", inner: e);
        }

        var innermost = e;
        while (innermost.InnerException is not null) innermost = innermost.InnerException;

        return new MqttConnectException(MqttConnectFailure.Other, url,
            $"connecting to {url} failed: {innermost.Message}" + (endpoint.UseTls ? " (is the port really a TLS listener?)" : ""), inner: e);
    }

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T match) return match;
        }

        return null;
    }
}

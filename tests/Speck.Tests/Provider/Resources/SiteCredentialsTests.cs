using Speck.Host.Resources;
using Speck.Provider.Credentials;
using Speck.Provider.Model;

namespace Speck.Tests.Provider.Resources;

[Trait("Category", "Unit")]
public class SiteCredentialsTests
{
    private const string Doc = """
        {"engines": {"http://10.0.0.5:8081/": {"token": "engine-token"}},
         "brokers": {"mqtt://10.0.0.5:1883": {"username": "u", "password": "broker-pw", "adminUsername": "admin", "adminPassword": "admin-pw"}}}
        """;

    [Fact]
    public void Fill_in_what_an_endpoint_leaves_out_by_url_and_never_override_what_it_gives()
    {
        var c = SiteCredentials.Parse(Doc, "test");

        Assert.Equal("engine-token", c.Complete(new SpeEndpoint { Kind = SpeKind.Flink, Url = "http://10.0.0.5:8081" }).Token);
        var broker = c.Complete(new BrokerEndpoint { Kind = BrokerKind.Mqtt, Url = "mqtt://10.0.0.5:1883" });
        Assert.Equal(("u", "broker-pw", "admin", "admin-pw"), (broker.Username, broker.Password, broker.AdminUsername, broker.AdminPassword));
        var own = c.Complete(new BrokerEndpoint { Kind = BrokerKind.Mqtt, Url = "mqtt://10.0.0.5:1883", AdminUsername = "mine", AdminPassword = "mine-pw" });
        Assert.Equal(("mine", "mine-pw", "u"), (own.AdminUsername, own.AdminPassword, own.Username));
        Assert.Null(c.Complete(new BrokerEndpoint { Kind = BrokerKind.Mqtt, Url = "mqtt://10.0.0.6:1883" }).AdminPassword);
        Assert.Equal(["engine-token", "broker-pw", "admin-pw"], c.Secrets);
    }

    [Fact]
    public void The_configured_document_wins_over_the_environment_which_may_name_a_file()
    {
        var file = Path.Combine(Path.GetTempPath(), $"speck-credentials-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, Doc);
        try
        {
            var fromEnv = SiteCredentials.Load(null, name => name == SiteCredentials.EnvironmentVariable ? file : null);
            Assert.Equal("engine-token", fromEnv.Complete(new SpeEndpoint { Kind = SpeKind.Flink, Url = "http://10.0.0.5:8081" }).Token);
            var configured = SiteCredentials.Load("""{"engines": {}}""", _ => file);
            Assert.Equal(0, configured.Count);
            Assert.Equal(0, SiteCredentials.Load(null, _ => null).Count);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_bad_document_is_refused_by_key_never_quoting_a_value()
    {
        var unknown = Assert.Throws<ProviderException>(() => SiteCredentials.Parse("""{"brokers": {"mqtt://h:1883": {"adminPasword": "s3cret-value"}}}""", "speck:credentials"));
        Assert.Contains("adminPasword", unknown.Message);
        Assert.Contains("speck:credentials", unknown.Message);
        Assert.DoesNotContain("s3cret-value", unknown.Message);
        var broken = Assert.Throws<ProviderException>(() => SiteCredentials.Parse("""{"brokers": {"mqtt://h:1883": {"password": "s3cret-value" """, "speck:credentials"));
        Assert.DoesNotContain("s3cret-value", broken.Message);
        Assert.Equal(FailureKind.InvalidInput, broken.Kind);
    }
}

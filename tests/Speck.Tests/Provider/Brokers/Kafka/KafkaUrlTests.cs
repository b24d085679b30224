using Speck.Provider.Brokers.Kafka;

namespace Speck.Tests.Provider.Brokers.Kafka;

[Trait("Category", "Unit")]
public class KafkaUrlTests
{
    [Theory]
    [InlineData("127.0.0.1:9092", "127.0.0.1:9092")]
    [InlineData("kafka://broker-1.example.com:9092", "broker-1.example.com:9092")]
    [InlineData("KAFKA://a:1,b:65535", "a:1,b:65535")]
    [InlineData("a:9092, b:9093 ,c:9094", "a:9092,b:9093,c:9094")]
    [InlineData("[::1]:9092", "[::1]:9092")]
    [InlineData("localhost:09092", "localhost:9092")]
    public void A_bootstrap_list_is_accepted_and_normalised(string url, string servers)
    {
        Assert.True(KafkaUrl.TryParse(url, out var parsed, out var error), error);
        Assert.Equal(servers, parsed);
        Assert.Null(new KafkaBinder(new Speck.Provider.ConfigSource()).ValidateUrl(url));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("kafka://", "empty")]
    [InlineData("broker", "needs a port")]
    [InlineData("broker:", "not a port")]
    [InlineData("broker:0", "not a port")]
    [InlineData("broker:65536", "not a port")]
    [InlineData("broker:90x", "not a port")]
    [InlineData("a:9092,,b:9092", "needs a port")]
    [InlineData("mqtt://broker:1883", "not a Kafka bootstrap list")]
    [InlineData("http://broker:9092", "not a Kafka bootstrap list")]
    [InlineData("kafka://user:pw@broker:9092", "broker.username")]
    [InlineData("bro ker:9092", "not a host name")]
    [InlineData("-broker:9092", "not a host name")]
    [InlineData("::1:9092", "not a host name")]
    public void Anything_else_is_refused_with_the_reason(string url, string reason)
    {
        Assert.False(KafkaUrl.TryParse(url, out _, out var error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void The_refusal_never_repeats_a_password_from_user_information()
    {
        foreach (var url in new[] { "kafka://user:s3cret@broker:9092", "mqtt://user:s3cret@broker:1883", "user:s3cret@broker:9092" })
        {
            var error = new KafkaBinder(new Speck.Provider.ConfigSource()).ValidateUrl(url);
            Assert.NotNull(error);
            Assert.DoesNotContain("s3cret", error);
        }
    }
}

using Speck.Provider.Brokers.Kafka;

namespace Speck.Tests.Provider.Brokers.Kafka;

[Trait("Category", "Unit")]
public class KafkaTopicNameTests
{
    [Theory]
    [InlineData("orders")]
    [InlineData("edge1.sensor-raw")]
    [InlineData("A_b-C.9")]
    [InlineData("...")]
    [InlineData("-")]
    public void Legal_names_pass(string name) => Assert.Null(KafkaTopicName.Validate(name));

    [Fact]
    public void The_limit_is_249_characters()
    {
        Assert.Null(KafkaTopicName.Validate(new string('a', 249)));
        Assert.Contains("at most 249", KafkaTopicName.Validate(new string('a', 250)));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData(".", "not a legal")]
    [InlineData("..", "not a legal")]
    [InlineData("a/b", "'/'")]
    [InlineData("a b", "' '")]
    [InlineData("a+b", "'+'")]
    [InlineData("caf\u00e9", "'\u00e9'")]
    [InlineData("tab\there", "\\u0009")]
    public void Illegal_names_are_refused_with_the_reason(string name, string reason) =>
        Assert.Contains(reason, KafkaTopicName.Validate(name));

    [Fact]
    public void Mixing_dot_and_underscore_is_legal_but_warned_about()
    {
        Assert.Null(KafkaTopicName.Validate("edge1.raw_data"));
        Assert.Contains("mixes '.' and '_'", KafkaTopicName.Warning("edge1.raw_data"));
        Assert.Null(KafkaTopicName.Warning("edge1.raw.data"));
        Assert.Null(KafkaTopicName.Warning("edge1_raw_data"));
        Assert.Equal(KafkaTopicName.CollisionKey("a.b_c"), KafkaTopicName.CollisionKey("a_b.c"));
    }
}

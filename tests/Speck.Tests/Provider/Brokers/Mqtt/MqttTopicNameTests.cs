using Speck.Provider.Brokers.Mqtt;

namespace Speck.Tests.Provider.Brokers.Mqtt;

[Trait("Category", "Unit")]
public class MqttTopicNameTests
{
    public static TheoryData<string> ValidNames => new()
    {
        "a",
        "site1/raw",
        "/",
        "/leading",
        "trailing/",
        "a//b",
        "sp ace/ü",
        "emoji/\U0001F600",
        "a$b",
        "with\u0001control",
        new string('x', MqttTopicName.MaxUtf8Bytes),
    };

    [Theory]
    [MemberData(nameof(ValidNames), DisableDiscoveryEnumeration = true)]
    public void Valid_names_pass(string topic) => Assert.Null(MqttTopicName.Validate(topic));

    public static TheoryData<string?, string> InvalidNames => new()
    {
        { null, "required" },
        { "", "must not be empty" },
        { "a/+/b", "wildcard '+' at position 2" },
        { "a/#", "wildcard '#'" },
        { "a/b#", "wildcard '#'" },
        { "a\0b", "NUL" },
        { "$SYS/broker", "reserved" },
        { "$share/g/t", "reserved" },
        { new string('x', MqttTopicName.MaxUtf8Bytes + 1), "65536 bytes" },
        // 2 bytes per char in UTF-8: within the char limit, over the byte limit.
        { new string('é', 32768), "65536 bytes long in UTF-8" },
    };

    [Theory]
    [MemberData(nameof(InvalidNames), DisableDiscoveryEnumeration = true)]
    public void Invalid_names_have_clear_reasons(string? topic, string expected)
    {
        var reason = MqttTopicName.Validate(topic);
        Assert.NotNull(reason);
        Assert.Contains(expected, reason);
        Assert.StartsWith("topic name", reason);
    }

    [Fact]
    public void Surrogate_pairs_are_fine_but_lone_surrogates_are_not()
    {
        Assert.Null(MqttTopicName.Validate("pair/\uD83D\uDE00"));
        Assert.Contains("unpaired UTF-16 surrogate (U+DE00) at position 5", MqttTopicName.Validate("lone/\uDE00\uD83D")!);
        Assert.Contains("unpaired UTF-16 surrogate (U+D83D) at position 8", MqttTopicName.Validate("trailing\uD83D")!);
        Assert.Contains("surrogate", MqttTopicName.ValidateFilter("x/\uD800/#")!);
    }

    [Theory]
    [InlineData("a/+/b")]
    [InlineData("a/#")]
    [InlineData("#")]
    [InlineData("+")]
    [InlineData("+/+")]
    [InlineData("a//+")]
    [InlineData("$SYS/#")]
    [InlineData("site1/raw")]
    public void Valid_filters_pass(string filter) => Assert.Null(MqttTopicName.ValidateFilter(filter));

    [Theory]
    [InlineData("a+", "'+' must fill a whole level")]
    [InlineData("a/b+/c", "level 2")]
    [InlineData("a/b#", "'#' must fill a whole level")]
    [InlineData("a/#/b", "only allowed as the last level")]
    [InlineData("#/a", "only allowed as the last level")]
    [InlineData("$share/g/a/b", "shared subscription")]
    [InlineData("", "must not be empty")]
    [InlineData("a\0", "NUL")]
    public void Invalid_filters_have_clear_reasons(string filter, string expected)
    {
        var reason = MqttTopicName.ValidateFilter(filter);
        Assert.NotNull(reason);
        Assert.Contains(expected, reason);
    }

    [Theory]
    [InlineData("a\u0001b", "control character U+0001 at position 1")]
    [InlineData("a\u001Fb", "U+001F")]
    [InlineData("del\u007F", "U+007F")]
    [InlineData("c1\u0085", "U+0085")]
    [InlineData("nc\uFDD0", "non-character U+FDD0")]
    [InlineData("nc\uFFFE", "non-character U+FFFE")]
    [InlineData("nc\U0001FFFF", "non-character U+1FFFF")]
    public void Discouraged_characters_are_warnings_not_errors(string topic, string expected)
    {
        Assert.Null(MqttTopicName.Validate(topic));
        var warning = Assert.Single(MqttTopicName.GetWarnings(topic));
        Assert.Contains(expected, warning);
    }

    [Theory]
    [InlineData("site1/raw")]
    [InlineData("emoji/\U0001F600")]
    [InlineData("")]
    public void Clean_topics_have_no_warnings(string topic) => Assert.Empty(MqttTopicName.GetWarnings(topic));
}

using Speck.Harness;

namespace Speck.Tests.Harness;

/// <summary>The harness's default parallelism is the CLI's: PULUMI_PARALLEL when positive, else 4 × processors.</summary>
public class DefaultParallelTests
{
    [Theory]
    [InlineData("3", 3)]
    [InlineData(" 256 ", 256)]
    [InlineData("99999999999", int.MaxValue)]
    public void A_positive_PULUMI_PARALLEL_is_the_default(string value, int expected) =>
        Assert.Equal(expected, StackOptions.DefaultParallel(value));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("lots")]
    public void Otherwise_the_default_is_four_per_processor(string? value) =>
        Assert.Equal(4 * Environment.ProcessorCount, StackOptions.DefaultParallel(value));

    [Fact]
    public void Options_without_an_explicit_parallelism_take_the_default() =>
        Assert.Equal(StackOptions.DefaultParallel(), new StackOptions { ProgramDirectory = ".", Stack = "s", ProviderBinary = "p" }.Parallel);
}

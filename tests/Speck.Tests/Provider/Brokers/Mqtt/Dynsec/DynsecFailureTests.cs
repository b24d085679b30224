using Speck.Host.Resources;
using Speck.Provider.Brokers.Mqtt.Dynsec;

namespace Speck.Tests.Provider.Brokers.Mqtt.Dynsec;

/// <summary>
/// A dynsec failure is the provider's failure where it is raised (DynsecException.FailureOf), so the binders need
/// no translation of their own: what each kind tells the engine, and the site's broker named in front.
/// </summary>
[Trait("Category", "Unit")]
public class DynsecFailureTests
{
    [Theory]
    [InlineData(DynsecErrorKind.ConnectFailed, FailureKind.Unavailable)]
    [InlineData(DynsecErrorKind.Timeout, FailureKind.OutcomeUnknown)]
    [InlineData(DynsecErrorKind.ConnectionLost, FailureKind.OutcomeUnknown)]
    [InlineData(DynsecErrorKind.BrokerError, FailureKind.PreconditionFailed)]
    [InlineData(DynsecErrorKind.NotAuthorized, FailureKind.PreconditionFailed)]
    [InlineData(DynsecErrorKind.InvalidRequest, FailureKind.PreconditionFailed)]
    public void Each_kind_of_dynsec_failure_is_the_provider_failure_it_means(DynsecErrorKind kind, FailureKind expected)
    {
        ProviderException e = new DynsecException(kind, "getRole", "r1", "mqtt://broker:1883", "dynsec getRole 'r1' went wrong");
        Assert.Equal(expected, e.Kind);
        Assert.Equal("MQTT broker at mqtt://broker:1883: dynsec getRole 'r1' went wrong", e.Message);
        Assert.Equal("dynsec getRole 'r1' went wrong", ((DynsecException)e).Reason);
    }
}

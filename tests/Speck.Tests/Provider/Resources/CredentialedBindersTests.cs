using Speck.Provider;
using Speck.Provider.Brokers;
using Speck.Provider.Brokers.Mqtt.Dynsec;
using Speck.Provider.Model;
using Speck.Provider.Spe;

namespace Speck.Tests.Provider.Resources;

/// <summary>
/// Every binder call gets the configured credentials through a decorator. A member added to a binder interface with a
/// default body would bypass the decorator (the default runs, not the engine's own), so each one must be forwarded.
/// </summary>
[Trait("Category", "Unit")]
public class CredentialedBindersTests
{
    private static void AssertForwardsEveryMember(Type decorator, Type contract)
    {
        var map = decorator.GetInterfaceMap(contract);
        var notForwarded = map.TargetMethods.Where(m => m.DeclaringType == contract).Select(m => m.Name).ToList();
        Assert.True(notForwarded.Count == 0, $"{decorator.Name} does not forward {string.Join(", ", notForwarded)} of {contract.Name}");
    }

    [Fact]
    public void The_credential_decorators_forward_every_member_of_the_binder_interfaces()
    {
        var binders = new Binders(new ConfigSource(), [new Speck.Provider.Spe.Flink.FlinkBinder(new SiteHttp())],
            [new Speck.Provider.Brokers.Mqtt.MqttBinder(new ConfigSource(), new DynsecConnectionPool())]);

        AssertForwardsEveryMember(binders.Spe(SpeKind.Flink).GetType(), typeof(ISpeBinder));
        var broker = binders.Broker(BrokerKind.Mqtt);
        AssertForwardsEveryMember(broker.GetType(), typeof(IBrokerBinder));
        AssertForwardsEveryMember(broker.JobCredentials!.GetType(), typeof(IJobCredentials));
    }
}

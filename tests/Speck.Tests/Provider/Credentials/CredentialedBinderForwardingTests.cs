using System.Reflection;
using Speck.Provider.Brokers;
using Speck.Provider.Spe;

namespace Speck.Tests.Provider.Credentials;

/// <summary>
/// The credentialed wrappers stand in front of every binder, so a binder member they do not forward silently runs
/// the interface's default instead (it once made Flink "keep no savepoints"): each member must be their own.
/// </summary>
[Trait("Category", "Unit")]
public class CredentialedBinderForwardingTests
{
    [Theory]
    [InlineData(typeof(ISpeBinder), "Speck.Provider.Credentials.CredentialedSpeBinder")]
    [InlineData(typeof(IBrokerBinder), "Speck.Provider.Credentials.CredentialedBrokerBinder")]
    public void The_wrapper_implements_every_member_of_the_binder_interface_itself(Type binder, string wrapperName)
    {
        var wrapper = binder.Assembly.GetType(wrapperName, throwOnError: true)!;
        var map = wrapper.GetInterfaceMap(binder);
        var defaulted = map.InterfaceMethods.Where((m, i) => map.TargetMethods[i].DeclaringType != wrapper).Select(m => m.Name).ToList();
        Assert.True(defaulted.Count == 0, $"{wrapper.Name} leaves to the interface's default: {string.Join(", ", defaulted)}");
        Assert.True(map.InterfaceMethods.Length > 3);
    }
}

using Speck.Host.Values;

namespace Speck.Tests.Host;

/// <summary>Short ways to write property values and bags in the host's tests.</summary>
internal static class PropertyBags
{
    public static PropertyValue S(string s) => PropertyValue.Of(s);
    public static PropertyValue Obj(params (string, PropertyValue)[] f) => PropertyValue.Of(f.Select(x => KeyValuePair.Create(x.Item1, x.Item2)));
    public static PropertyMap Map(params (string, PropertyValue)[] f) => new(f.Select(x => KeyValuePair.Create(x.Item1, x.Item2)));
}

using Speck.Host.Values;

namespace Speck.Tests.Provider.Resources;

/// <summary>
/// What the engine sends of a resource's recorded inputs and outputs: the old inputs and outputs of Diff, Update, Read
/// and Delete (and Diff's new inputs) go out with every asset and archive reduced to its hash, no path, text or uri
/// (pkg/resource/plugin/provider_plugin.go:1320-1346, 1560-1573, 1728-1739, 1859-1871 (pulumi v3.259.0):
/// ElideAssetContents; pkg/resource/plugin/rpc.go:724-726). See docs/pulumi-engine.md §Assets.
/// </summary>
public static class EngineElision
{
    public static PropertyMap Elide(PropertyMap map) => new(map.Select(kv => KeyValuePair.Create(kv.Key, Elide(kv.Value))));

    public static PropertyValue Elide(PropertyValue v) => v.Kind switch
    {
        PropertyKind.Asset => PropertyValue.Of(new AssetValue(v.AsAsset.Hash, null, null, null)),
        PropertyKind.Archive => PropertyValue.Of(new ArchiveValue(v.AsArchive.Hash, null, null, null)),
        PropertyKind.Secret => PropertyValue.MakeSecret(Elide(v.SecretValue)),
        PropertyKind.Array => PropertyValue.Of(v.AsArray.Select(Elide)),
        PropertyKind.Object => PropertyValue.Of(v.AsObject.Select(kv => KeyValuePair.Create(kv.Key, Elide(kv.Value)))),
        _ => v,
    };
}

namespace Speck.Tests.Harness;

/// <summary>The harness tests share one set of real sites and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class HarnessCollection : ICollectionFixture<SitesFixture>
{
    public const string Name = "harness sites";
}

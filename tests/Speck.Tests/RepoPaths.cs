namespace Speck.Tests;

/// <summary>Where the repository and ../shared are, found from the test assembly's folder.</summary>
public static class RepoPaths
{
    public static string Root { get; } = Speck.Testbed.RepoRoot.Find();
    public static string Examples => Path.Combine(Root, "examples");
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string ProviderBinary
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("SPECK_PROVIDER");
            if (!string.IsNullOrEmpty(env)) return env;
            // The test project references the provider project, so its binary sits beside the tests.
            return Path.Combine(AppContext.BaseDirectory, "pulumi-resource-speck");
        }
    }
}

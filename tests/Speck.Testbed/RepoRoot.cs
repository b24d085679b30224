namespace Speck.Testbed;

/// <summary>The repository a test or tool runs from: the first folder above its binaries that holds pulumi-speck.sln.</summary>
public static class RepoRoot
{
    public static string Find()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "pulumi-speck.sln"))) return d.FullName;
        throw new InvalidOperationException("pulumi-speck.sln not found above " + AppContext.BaseDirectory);
    }
}

namespace Speck.Testbed;

/// <summary>Where the programs the local sites run are: an override from the environment, then PATH, then usual folders.</summary>
public static class Executables
{
    public static string? Find(string envVar, string name, IEnumerable<string> extraDirs)
    {
        var fromEnv = Environment.GetEnvironmentVariable(envVar);
        if (!string.IsNullOrEmpty(fromEnv) && File.Exists(fromEnv)) return fromEnv;
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        return path.Concat(extraDirs).Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
    }
}

namespace Speck.Tests.Harness;

/// <summary>Small Pulumi YAML programs for the harness tests: one site and whatever resources a test adds.</summary>
internal static class Programs
{
    /// <summary>A program with a site named <c>site</c>; its admin password is secret stack config. Blocks are YAML at column 0.</summary>
    public static string WithSite(string project, string resources, string outputs = "", string siteOptions = "", bool admin = true) =>
        $"name: {project}\n" +
        "runtime: yaml\n" +
        "config:\n" +
        "  speUrl: { type: string }\n" +
        "  brokerUrl: { type: string }\n" +
        "  adminPassword: { type: string, secret: true, default: \"\" }\n" +
        "  labelValue: { type: string, default: lab }\n" +
        "resources:\n" +
        "  site:\n" +
        "    type: speck:index:SpeSite\n" +
        "    properties:\n" +
        "      tier: edge\n" +
        "      labels: { region: \"${labelValue}\" }\n" +
        "      spe: { kind: nodered, url: \"${speUrl}\" }\n" +
        "      broker:\n" +
        "        kind: mqtt\n" +
        "        url: \"${brokerUrl}\"\n" +
        (admin ? "        adminUsername: admin\n        adminPassword: \"${adminPassword}\"\n" : "") +
        Indent(siteOptions, 4) +
        Indent(resources, 2) +
        "outputs:\n" +
        "  siteVersion: ${site.speVersion}\n" +
        Indent(outputs, 2);

    public static string Topic(string name, string topicName, string options = "") =>
        $"{name}:\n" +
        "  type: speck:index:Topic\n" +
        "  properties:\n" +
        "    site: ${site.connection}\n" +
        $"    name: \"{topicName}\"\n" +
        Indent(options, 2);

    private static string Indent(string block, int spaces) =>
        string.Concat(block.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => new string(' ', spaces) + l + "\n"));

    public static Dictionary<string, string> Config(string project, SitesFixture sites, Testbed.Mosquitto.MosquittoBroker broker) => new()
    {
        [$"{project}:speUrl"] = sites.Engine.Url,
        [$"{project}:brokerUrl"] = broker.Url,
        [$"{project}:adminPassword"] = broker.AdminPassword ?? "",
    };

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
}

using System.Text;
using Speck.Harness.Program;
using Speck.Harness.Protocol;

namespace Speck.Testbed;

/// <summary>
/// Writes and reads a <c>Pulumi.&lt;stack&gt;.yaml</c> with the endpoints of local sites, as <c>pulumi config set</c>
/// would: passwords and tokens as <c>secure:</c> values under the stack's passphrase (Pulumi's passphrase secrets
/// provider), the file readable by its owner only.
/// </summary>
public static class StackConfigFile
{
    /// <summary>The provider's configuration key for credentials by URL (the provider's ProviderConfig.Credentials).</summary>
    public const string CredentialsKey = "speck:credentials";

    /// <summary>Which config keys are secrets: a broker admin's password, an engine's token, the provider's credentials.</summary>
    public static bool IsSecret(string key) =>
        key.EndsWith("Password", StringComparison.Ordinal) || key.EndsWith("Token", StringComparison.Ordinal) || key == CredentialsKey;

    /// <param name="passphrase">The stack's passphrase; null reads it as the CLI does (PULUMI_CONFIG_PASSPHRASE, …_FILE).</param>
    public static async Task WriteAsync(string path, string project, IEnumerable<LocalSite> sites,
        IEnumerable<KeyValuePair<string, string>>? extra = null, string? passphrase = null)
    {
        var secrets = PassphraseSecrets.Create(passphrase ?? PassphraseSecrets.FromEnvironment());
        var list = sites.ToList();
        var entries = list.SelectMany(s => s.Config()).Concat(extra ?? []).Select(e => KeyValuePair.Create($"{project}:{e.Key}", e.Value))
            .Concat(list.Any(s => s.Broker.AdminUser is not null) ? [KeyValuePair.Create(CredentialsKey, CredentialsDocument(list.Select(s => s.Broker)))] : []);
        var text = "# Written by speck-testbed for local sites on loopback; not for committing.\n" + Yaml(entries, secrets);
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = ownerOnly;
        await using (var file = new FileStream(path, options))
            await file.WriteAsync(Encoding.UTF8.GetBytes(text));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, ownerOnly); // a file written before keeps its mode otherwise
    }

    /// <summary>
    /// A stack file's text: each value as given (raw, as <c>pulumi config set</c> takes it) in a YAML double-quoted
    /// string, or encrypted under <c>secure:</c> when <see cref="IsSecret"/> says so.
    /// </summary>
    /// <param name="config">Values by full key (<c>project:key</c>).</param>
    public static string Yaml(IEnumerable<KeyValuePair<string, string>> config, PassphraseSecrets secrets)
    {
        var sb = new StringBuilder($"encryptionsalt: {secrets.EncryptionSalt}\nconfig:\n");
        foreach (var (k, v) in config)
            sb.Append(IsSecret(k) && v.Length > 0 ? $"  {k}:\n    secure: {secrets.Encrypt(v)}\n" : $"  {k}: \"{Quote(v)}\"\n");
        return sb.ToString();
    }

    /// <summary>
    /// The sites' broker admin logins by URL, as the provider's `speck:credentials` takes them: a program may then give
    /// its sites endpoints only (as the TypeScript road-traffic program does), so nothing but this value is secret.
    /// </summary>
    public static string CredentialsDocument(IEnumerable<Mosquitto.MosquittoBroker> brokers)
    {
        var byUrl = new System.Text.Json.Nodes.JsonObject();
        foreach (var b in brokers.Where(b => b.AdminUser is not null))
            byUrl[b.Url] = new System.Text.Json.Nodes.JsonObject { ["adminUsername"] = b.AdminUser, ["adminPassword"] = b.AdminPassword };
        return new System.Text.Json.Nodes.JsonObject { ["brokers"] = byUrl }.ToJsonString();
    }

    // YAML double-quoted escapes: a raw line break would fold into a space.
    private static string Quote(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("\r", "\\r").Replace("\t", "\\t");

    /// <summary>The file's values by key (namespace dropped), secure ones decrypted.</summary>
    public static IReadOnlyDictionary<string, string> Read(string path, string? passphrase = null) =>
        StackConfig.Read(path, "", passphrase).ToDictionary(e => e.Key,
            e => (Sig.IsSecret(e.Value) ? Sig.SecretValue(e.Value) : e.Value)?.GetValue<string>() ?? "");
}

using System.Text.Json.Nodes;
using Speck.Harness.Protocol;
using YamlDotNet.RepresentationModel;

namespace Speck.Harness.Program;

/// <summary>
/// <c>Pulumi.&lt;stack&gt;.yaml</c>: <c>&lt;project&gt;:key</c> (or a bare key) is program config, <c>speck:key</c> is the
/// provider's. A <c>secure:</c> value is decrypted with the stack's passphrase (<see cref="PassphraseSecrets"/>, the
/// file's <c>encryptionsalt</c>) and stays a secret. Values are kept as the engine keeps stack config: strings
/// (secrets as secret wrappers).
/// </summary>
public sealed record StackConfig(JsonObject Program, JsonObject Provider)
{
    public const string Package = "speck";

    /// <param name="passphrase">The stack's passphrase; null reads it as the CLI does (<see cref="PassphraseSecrets.FromEnvironment"/>), and only when a value is secure.</param>
    public static StackConfig Load(YamlProgram program, string stack, string? passphrase = null) => Load(program.Directory, program.Name, stack, passphrase);

    /// <inheritdoc cref="Load(YamlProgram, string, string?)"/>
    public static StackConfig Load(string directory, string project, string stack, string? passphrase = null)
    {
        var (prog, prov, all) = (new JsonObject(), new JsonObject(), new JsonObject());
        foreach (var (ns, name, value) in Read(Path.Combine(directory, $"Pulumi.{stack}.yaml"), project, passphrase))
        {
            if (ns == Package) prov[name] = value;
            else if (ns == project) prog[name] = value;
            all[$"{ns}:{name}"] = value.DeepClone();
        }
        return new StackConfig(prog, prov) { All = all };
    }

    /// <summary>Every entry by full key (<c>ns:key</c>), secure ones as secrets: what the engine hands a language host.</summary>
    public JsonObject All { get; init; } = new();

    /// <summary>
    /// The RunRequest's config and configSecretKeys (pkg/resource/deploy/source_eval.go forkRun (pulumi v3.259.0)):
    /// every value as plain text, and the keys of the secure ones.
    /// </summary>
    public (IReadOnlyDictionary<string, string> Config, IReadOnlyList<string> SecretKeys) ForLanguageHost()
    {
        var config = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var secrets = new List<string>();
        foreach (var (k, v) in All)
        {
            if (Sig.IsSecret(v)) secrets.Add(k);
            var plain = Sig.Unwrap(v);
            config[k] = plain is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : plain?.ToJsonString() ?? "";
        }
        secrets.Sort(StringComparer.Ordinal);
        return (config, secrets);
    }

    /// <summary>Every config entry of a stack file as (namespace, key, value), secure values decrypted into secret wrappers.</summary>
    public static IEnumerable<(string Namespace, string Key, JsonNode Value)> Read(string path, string project, string? passphrase = null)
    {
        if (!File.Exists(path)) yield break;
        var root = YamlTree.LoadMapping(path);
        if (YamlTree.Get(root, "config") is not YamlMappingNode m) yield break;
        PassphraseSecrets? secrets = null;
        PassphraseSecrets Secrets() => secrets ??= YamlTree.Str(root, "encryptionsalt") is { } salt
            ? PassphraseSecrets.Open(salt, passphrase ?? PassphraseSecrets.FromEnvironment())
            : throw new HarnessException($"{Path.GetFileName(path)} has secure values but no encryptionsalt: they were not written by a passphrase secrets provider");
        foreach (var (k, v) in m.Children)
        {
            var key = ((YamlScalarNode)k).Value!;
            var colon = key.IndexOf(':');
            var (ns, name) = colon < 0 ? (project, key) : (key[..colon], key[(colon + 1)..]);
            JsonNode value = v switch
            {
                YamlMappingNode sm when YamlTree.Str(sm, "secure") is { } s => Sig.MakeSecret(JsonValue.Create(Secrets().Decrypt(s))),
                YamlScalarNode s => JsonValue.Create(s.Value ?? "")!,
                _ => JsonValue.Create(YamlTree.ToJson(v)?.ToJsonString() ?? "")!,
            };
            yield return (ns, name, value);
        }
    }

    /// <summary>The program's config values, typed by their declarations, defaults filled, secrets wrapped.</summary>
    public JsonObject ProgramValues(YamlProgram program)
    {
        var values = new JsonObject();
        foreach (var decl in program.Config)
        {
            var raw = Program[decl.Name]?.DeepClone();
            if (raw is null)
            {
                if (decl.Default is null) throw new HarnessException($"missing required configuration variable '{program.Name}:{decl.Name}'");
                raw = decl.Default.DeepClone();
            }
            var secret = decl.Secret || Sig.IsSecret(raw);
            var plain = Sig.IsSecret(raw) ? Sig.SecretValue(raw)?.DeepClone() : raw;
            var typed = Typed(decl, plain);
            values[decl.Name] = secret ? Sig.MakeSecret(typed) : typed;
        }
        foreach (var (k, v) in Program)
            if (!values.ContainsKey(k)) values[k] = v?.DeepClone();
        return values;
    }

    private static JsonNode? Typed(ConfigDecl decl, JsonNode? v)
    {
        if (v is not JsonValue jv || !jv.TryGetValue<string>(out var s)) return v;
        return decl.Type switch
        {
            "integer" or "number" when double.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
            "boolean" when bool.TryParse(s, out var b) => JsonValue.Create(b),
            "integer" or "number" or "boolean" => throw new HarnessException($"config '{decl.Name}': '{s}' is not a {decl.Type}"),
            _ => v,
        };
    }
}

/// <summary>A failure of the program or the deployment that the harness reports as the CLI would (no stack trace).</summary>
public sealed class HarnessException(string message) : Exception(message);

using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Speck.Harness.Protocol;

namespace Speck.Harness.Program;

/// <summary>What a <c>${name}</c> root resolves to: config, or a resource's outputs with its id and urn.</summary>
public interface IScope
{
    /// <summary>The value of a root name; <paramref name="complete"/> is false for preview outputs, whose missing properties are unknown.</summary>
    bool TryResolve(string root, out JsonNode? value, out bool complete);
}

/// <summary>
/// Pulumi YAML expressions in property values: <c>${res.prop.sub}</c>, <c>${res.list[0]}</c>, <c>${configKey}</c>
/// (alone they keep the value's type, inside text they interpolate), <c>fn::secret</c>, <c>fn::fileAsset</c> and <c>fn::readFile</c>.
/// An unknown anywhere makes the result unknown; a secret makes it secret.
/// </summary>
public static partial class Expressions
{
    [GeneratedRegex(@"\$\{([^}]+)\}")]
    internal static partial Regex Reference();

    /// <summary>The root names a template refers to (resources or config), for dependencies.</summary>
    public static IEnumerable<string> Roots(JsonNode? template) => template switch
    {
        JsonObject o => o.SelectMany(kv => Roots(kv.Value)),
        JsonArray a => a.SelectMany(Roots),
        JsonValue v when v.TryGetValue<string>(out var s) => Reference().Matches(s).Select(m => RootOf(m.Groups[1].Value)),
        _ => [],
    };

    public static string RootOf(string expr)
    {
        var end = expr.IndexOfAny(['.', '[']);
        return (end < 0 ? expr : expr[..end]).Trim();
    }

    public static JsonNode? Evaluate(JsonNode? template, IScope scope, string programDir) => template switch
    {
        JsonObject o when o.Count == 1 && o.ContainsKey("fn::secret") => Sig.MakeSecret(Evaluate(o["fn::secret"], scope, programDir)),
        JsonObject o when o.Count == 1 && o.ContainsKey("fn::fileAsset") => FileAsset(Evaluate(o["fn::fileAsset"], scope, programDir), programDir),
        JsonObject o when o.Count == 1 && o.ContainsKey("fn::readFile") => ReadFile(Evaluate(o["fn::readFile"], scope, programDir), programDir),
        JsonObject o => new JsonObject(o.Select(kv => KeyValuePair.Create(kv.Key, Evaluate(kv.Value, scope, programDir)))),
        JsonArray a => new JsonArray(a.Select(i => Evaluate(i, scope, programDir)).ToArray()),
        JsonValue v when v.TryGetValue<string>(out var s) => Text(s, scope),
        _ => template?.DeepClone(),
    };

    private static JsonNode? Text(string s, IScope scope)
    {
        var matches = Reference().Matches(s);
        if (matches.Count == 0) return JsonValue.Create(s);
        if (matches.Count == 1 && matches[0].Length == s.Length) return Lookup(matches[0].Groups[1].Value.Trim(), scope);

        var (secret, sb, last) = (false, new StringBuilder(), 0);
        foreach (Match m in matches)
        {
            sb.Append(s, last, m.Index - last);
            var value = Lookup(m.Groups[1].Value.Trim(), scope);
            if (Sig.IsSecret(value)) { secret = true; value = Sig.SecretValue(value!); }
            if (Sig.ContainsUnknown(value)) return JsonValue.Create(Sig.Unknown);
            sb.Append(value switch
            {
                null => "",
                JsonValue jv when jv.TryGetValue<string>(out var str) => str,
                _ => value.ToJsonString(),
            });
            last = m.Index + m.Length;
        }
        sb.Append(s, last, s.Length - last);
        var text = JsonValue.Create(sb.ToString());
        return secret ? Sig.MakeSecret(text) : text;
    }

    /// <summary>Walks <c>root.a.b[0]</c>; through a secret the result is secret, into an unknown it is unknown.</summary>
    public static JsonNode? Lookup(string expr, IScope scope)
    {
        var root = RootOf(expr);
        if (!scope.TryResolve(root, out var current, out var complete))
            throw new HarnessException($"'${{{expr}}}': '{root}' is neither a resource nor a config value of the program");
        var secret = false;
        foreach (var segment in Segments(expr[root.Length..]))
        {
            if (Sig.IsSecret(current)) { secret = true; current = Sig.SecretValue(current!); }
            if (Sig.IsUnknown(current)) return JsonValue.Create(Sig.Unknown);
            JsonNode? next = null;
            var found = false;
            if (segment is int i && current is JsonArray a && i < a.Count) (next, found) = (a[i], true);
            else if (segment is string k && current is JsonObject o) found = o.TryGetPropertyValue(k, out next);
            if (!found)
            {
                // Preview outputs leave what the provider will compute out; a real resource leaves out its null outputs.
                if (!complete) return JsonValue.Create(Sig.Unknown);
                if (segment is int || current is not JsonObject) throw new HarnessException($"'${{{expr}}}': no element '{segment}'");
                next = null;
            }
            current = next;
            complete = true;
        }
        var result = current?.DeepClone();
        return secret ? Sig.MakeSecret(result) : result;
    }

    internal static IEnumerable<object> Segments(string path)
    {
        var i = 0;
        while (i < path.Length)
        {
            if (path[i] == '.') { i++; continue; }
            if (path[i] == '[')
            {
                var close = path.IndexOf(']', i);
                var inner = path[(i + 1)..close].Trim('"', '\'');
                yield return int.TryParse(inner, out var n) ? n : inner;
                i = close + 1;
                continue;
            }
            var end = path.IndexOfAny(['.', '['], i);
            if (end < 0) end = path.Length;
            yield return path[i..end];
            i = end;
        }
    }

    /// <summary>
    /// fn::readFile: the file's text, the path taken from the program's folder, where the language host runs
    /// (evaluateBuiltinReadFile, pkg/pulumiyaml/run.go:3053-3072 (pulumi-yaml v1.38.1): os.ReadFile of the path).
    /// </summary>
    private static JsonNode? ReadFile(JsonNode? path, string programDir)
    {
        if (Sig.IsUnknown(path)) return JsonValue.Create(Sig.Unknown);
        if (path is not JsonValue v || !v.TryGetValue<string>(out var p)) throw new HarnessException("Argument to fn::readFile must be a string");
        try { return JsonValue.Create(File.ReadAllText(Path.GetFullPath(Path.Combine(programDir, p)))); }
        catch (IOException e) { throw new HarnessException($"Error reading file at path {p}: {e.Message}"); }
    }

    /// <summary>An asset as the engine sends it: the signature, the path, and the SHA-256 of the file's bytes.</summary>
    private static JsonNode FileAsset(JsonNode? path, string programDir)
    {
        if (Sig.IsUnknown(path)) return JsonValue.Create(Sig.Unknown);
        var p = path?.GetValue<string>() ?? throw new HarnessException("fn::fileAsset needs a path");
        var full = Path.GetFullPath(Path.Combine(programDir, p));
        if (!File.Exists(full)) throw new HarnessException($"fn::fileAsset: file '{p}' does not exist");
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(full)));
        return new JsonObject { [Sig.Key] = Sig.Asset, ["hash"] = hash, ["path"] = p };
    }
}

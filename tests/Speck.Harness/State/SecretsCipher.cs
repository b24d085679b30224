using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Speck.Harness.Protocol;

namespace Speck.Harness.State;

/// <summary>
/// Encrypts secret values for the state file as the CLI's secrets providers do: a secret is stored as
/// <c>{sig: secret, ciphertext: "v1:…"}</c>. The key is a random 256-bit key kept beside the state file.
/// </summary>
public sealed class SecretsCipher(byte[] key)
{
    public static SecretsCipher ForStack(string keyPath)
    {
        if (!File.Exists(keyPath))
        {
            File.WriteAllText(keyPath, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return new SecretsCipher(Convert.FromBase64String(File.ReadAllText(keyPath).Trim()));
    }

    public JsonNode? Encrypt(JsonNode? n) => n switch
    {
        JsonObject o when Sig.IsSecret(o) => new JsonObject { [Sig.Key] = Sig.Secret, ["ciphertext"] = Seal(o["value"]?.ToJsonString() ?? "null") },
        JsonObject o => new JsonObject(o.Select(kv => KeyValuePair.Create(kv.Key, Encrypt(kv.Value)))),
        JsonArray a => new JsonArray(a.Select(Encrypt).ToArray()),
        _ => n?.DeepClone(),
    };

    public JsonNode? Decrypt(JsonNode? n) => n switch
    {
        JsonObject o when Sig.IsSecret(o) && o["ciphertext"] is { } c => Sig.MakeSecret(JsonNode.Parse(Open(c.GetValue<string>()))),
        JsonObject o => new JsonObject(o.Select(kv => KeyValuePair.Create(kv.Key, Decrypt(kv.Value)))),
        JsonArray a => new JsonArray(a.Select(Decrypt).ToArray()),
        _ => n?.DeepClone(),
    };

    private string Seal(string plain)
    {
        var nonce = RandomNumberGenerator.GetBytes(12);
        var data = Encoding.UTF8.GetBytes(plain);
        var (cipher, tag) = (new byte[data.Length], new byte[16]);
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(nonce, data, cipher, tag);
        return $"v1:{Convert.ToBase64String(nonce)}:{Convert.ToBase64String(cipher.Concat(tag).ToArray())}";
    }

    private string Open(string text)
    {
        var parts = text.Split(':');
        if (parts.Length != 3 || parts[0] != "v1") throw new FormatException("unrecognised secret ciphertext in state");
        var nonce = Convert.FromBase64String(parts[1]);
        var all = Convert.FromBase64String(parts[2]);
        var (cipher, tag) = (all[..^16], all[^16..]);
        var plain = new byte[cipher.Length];
        using var aes = new AesGcm(key, 16);
        aes.Decrypt(nonce, cipher, tag, plain);
        return Encoding.UTF8.GetString(plain);
    }
}

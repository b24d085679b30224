using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Speck.Harness.Program;

/// <summary>
/// Pulumi's passphrase secrets provider, so that <c>secure:</c> values in <c>Pulumi.&lt;stack&gt;.yaml</c> are what
/// the CLI writes and reads (pulumi v3.259.0, docs/pulumi-engine.md "Secret config"):
/// <c>sdk/go/common/resource/config/crypt.go</c> (AES-256-GCM with a 12-byte nonce, key from PBKDF2-SHA256 with
/// 1,000,000 iterations, values <c>v1:&lt;nonce&gt;:&lt;ciphertext&gt;</c> in standard base64) and
/// <c>pkg/secrets/passphrase/manager.go</c> (an 8-byte salt; the stack file's <c>encryptionsalt</c> is
/// <c>v1:&lt;salt&gt;:</c> followed by the encryption of "pulumi", which proves the passphrase; the passphrase comes
/// from <c>PULUMI_CONFIG_PASSPHRASE</c>, else the file <c>PULUMI_CONFIG_PASSPHRASE_FILE</c> names, trimmed).
/// </summary>
public sealed class PassphraseSecrets
{
    private const int Iterations = 1_000_000;
    // Deriving the key is slow on purpose; like the CLI's cache of managers by state, derive it once per process.
    private static readonly ConcurrentDictionary<(string, string), byte[]> Keys = new();
    private readonly byte[] _key;

    private PassphraseSecrets(byte[] key, string state) => (_key, EncryptionSalt) = (key, state);

    /// <summary>The stack file's <c>encryptionsalt</c>.</summary>
    public string EncryptionSalt { get; }

    /// <summary>A new salt for a stack file that has none yet (<c>promptForNewPassphrase</c>).</summary>
    public static PassphraseSecrets Create(string passphrase)
    {
        var salt = Convert.ToBase64String(RandomNumberGenerator.GetBytes(8));
        var key = Key(passphrase, salt);
        return new PassphraseSecrets(key, $"v1:{salt}:{Encrypt(key, "pulumi")}");
    }

    /// <summary>The manager of an existing stack file (<c>symmetricCrypterFromPhraseAndState</c>).</summary>
    public static PassphraseSecrets Open(string encryptionSalt, string passphrase)
    {
        var parts = encryptionSalt.Split(':', 3);
        if (parts.Length != 3) throw new HarnessException("constructing secrets manager: malformed state value");
        if (parts[0] != "v1") throw new HarnessException("constructing secrets manager: unknown state version");
        var key = Key(passphrase, parts[1]);
        if (TryDecrypt(key, parts[2]) != "pulumi") throw new HarnessException("incorrect passphrase");
        return new PassphraseSecrets(key, encryptionSalt);
    }

    /// <summary>The passphrase as the CLI reads it without a terminal (<c>readPassphrase</c>).</summary>
    public static string FromEnvironment(Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        if (env("PULUMI_CONFIG_PASSPHRASE") is { } phrase) return phrase;
        if (env("PULUMI_CONFIG_PASSPHRASE_FILE") is { Length: > 0 } file)
        {
            try { return File.ReadAllText(Path.GetFullPath(file)).Trim(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new HarnessException($"unable to read PULUMI_CONFIG_PASSPHRASE_FILE: {e.Message}");
            }
        }
        throw new HarnessException("passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE environment variables");
    }

    public string Encrypt(string plaintext) => Encrypt(_key, plaintext);

    public string Decrypt(string ciphertext) =>
        TryDecrypt(_key, ciphertext) ?? throw new HarnessException("failed to decrypt a secure config value: bad value or wrong passphrase");

    private static byte[] Key(string passphrase, string saltBase64) =>
        Keys.GetOrAdd((passphrase, saltBase64), k =>
            Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(k.Item1), Convert.FromBase64String(k.Item2), Iterations, HashAlgorithmName.SHA256, 32));

    private static string Encrypt(byte[] key, string plaintext)
    {
        var nonce = RandomNumberGenerator.GetBytes(12);
        var data = Encoding.UTF8.GetBytes(plaintext);
        var sealedBox = new byte[data.Length + 16]; // Go's Seal appends the 16-byte tag to the ciphertext
        using var gcm = new AesGcm(key, 16);
        gcm.Encrypt(nonce, data, sealedBox.AsSpan(0, data.Length), sealedBox.AsSpan(data.Length));
        return $"v1:{Convert.ToBase64String(nonce)}:{Convert.ToBase64String(sealedBox)}";
    }

    private static string? TryDecrypt(byte[] key, string value)
    {
        var parts = value.Split(':');
        if (parts.Length != 3 || parts[0] != "v1") return null;
        try
        {
            var nonce = Convert.FromBase64String(parts[1]);
            var box = Convert.FromBase64String(parts[2]);
            if (nonce.Length != 12 || box.Length < 16) return null;
            var plain = new byte[box.Length - 16];
            using var gcm = new AesGcm(key, 16);
            gcm.Decrypt(nonce, box.AsSpan(0, plain.Length), box.AsSpan(plain.Length), plain);
            return Encoding.UTF8.GetString(plain);
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return null;
        }
    }
}

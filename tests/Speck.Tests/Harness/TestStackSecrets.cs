using Speck.Harness.Program;
using Speck.Testbed;

namespace Speck.Tests.Harness;

/// <summary>
/// The passphrase of every stack file the tests write, and one salt for the whole run: the key derivation is slow on
/// purpose (1,000,000 rounds of PBKDF2), so it runs once per test process, not once per stack.
/// </summary>
public static class TestStackSecrets
{
    public const string Passphrase = "speck tests";

    public static PassphraseSecrets Shared { get; } = PassphraseSecrets.Create(Passphrase);

    /// <summary>A <c>Pulumi.&lt;stack&gt;.yaml</c> with passwords and tokens as <c>secure:</c> values, as the testbed writes them.</summary>
    public static string Yaml(IEnumerable<KeyValuePair<string, string>> config) => StackConfigFile.Yaml(config, Shared);
}

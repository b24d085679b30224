using Speck.Harness.Program;
using Speck.Harness.Protocol;
using Speck.Testbed;

namespace Speck.Tests.Harness;

/// <summary>
/// Secure stack config as Pulumi's passphrase secrets provider writes it: the state from Pulumi's own tests
/// (pkg/secrets/passphrase/manager_test.go, v3.259.0) opens with its passphrase and refuses another; values round-trip;
/// the testbed's stack files keep passwords encrypted and readable by their owner only.
/// </summary>
[Trait("Category", "Unit")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PassphraseSecretsTests
{
    // pkg/secrets/passphrase/manager_test.go: `state` opens with "password" and not with "password123".
    private const string PulumiState = "v1:fozI5u6B030=:v1:F+6ZduKKd8G0/V7L:PGMFeIzwobWRKmEAzUdaQHqC5mMRIQ==";

    [Fact]
    public void The_state_from_pulumis_own_tests_opens_with_its_passphrase_only()
    {
        var secrets = PassphraseSecrets.Open(PulumiState, "password");
        Assert.Equal("s3cret", secrets.Decrypt(secrets.Encrypt("s3cret")));
        Assert.Equal("incorrect passphrase", Assert.Throws<HarnessException>(() => PassphraseSecrets.Open(PulumiState, "password123")).Message);
        Assert.Contains("malformed state value", Assert.Throws<HarnessException>(() => PassphraseSecrets.Open("fozI5u6B030=", "password")).Message);
    }

    [Fact]
    public void The_passphrase_is_read_as_the_cli_reads_it()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "  from-file \n");
            Assert.Equal("env", PassphraseSecrets.FromEnvironment(k => k == "PULUMI_CONFIG_PASSPHRASE" ? "env" : file));
            Assert.Equal("", PassphraseSecrets.FromEnvironment(k => k == "PULUMI_CONFIG_PASSPHRASE" ? "" : null));
            Assert.Equal("from-file", PassphraseSecrets.FromEnvironment(k => k == "PULUMI_CONFIG_PASSPHRASE_FILE" ? file : null));
            var e = Assert.Throws<HarnessException>(() => PassphraseSecrets.FromEnvironment(_ => null));
            Assert.Equal("passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE environment variables", e.Message);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public async Task The_testbeds_stack_file_keeps_passwords_and_tokens_secure_and_private()
    {
        var dir = Directory.CreateTempSubdirectory("speck-secure-").FullName;
        try
        {
            var path = Path.Combine(dir, "Pulumi.dev.yaml");
            File.WriteAllText(path, "old"); // an existing file is rewritten and loses its wider mode
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            await StackConfigFile.WriteAsync(path, "demo", [], [new("edgeAdminPassword", "pw-8d1f"), new("cloudSpeToken", "tok-77"), new("edgeBrokerUrl", "mqtt://127.0.0.1:1883")],
                passphrase: "test passphrase");

            var text = File.ReadAllText(path);
            Assert.DoesNotContain("pw-8d1f", text);
            Assert.DoesNotContain("tok-77", text);
            Assert.Matches("(?m)^encryptionsalt: v1:", text);
            Assert.Matches("(?m)^  demo:edgeAdminPassword:\n    secure: v1:[^:]+:[^:]+$", text);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));

            var values = StackConfig.Read(path, "demo", "test passphrase").ToDictionary(e => e.Key, e => e.Value);
            Assert.True(Sig.IsSecret(values["edgeAdminPassword"]));
            Assert.Equal("pw-8d1f", Sig.SecretValue(values["edgeAdminPassword"])!.GetValue<string>());
            Assert.Equal("mqtt://127.0.0.1:1883", values["edgeBrokerUrl"]!.GetValue<string>());
            Assert.Equal("tok-77", StackConfigFile.Read(path, "test passphrase")["cloudSpeToken"]);
            Assert.Equal("incorrect passphrase", Assert.Throws<HarnessException>(() => StackConfigFile.Read(path, "wrong")).Message);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Values_go_in_raw_and_come_back_the_same_line_breaks_quotes_and_backslashes_included()
    {
        var dir = Directory.CreateTempSubdirectory("speck-stackfile-").FullName;
        try
        {
            var pem = "-----BEGIN CERTIFICATE-----\nMIIB\"x\\y\ttab\r\n-----END CERTIFICATE-----\n";
            var path = Path.Combine(dir, "Pulumi.dev.yaml");
            File.WriteAllText(path, StackConfigFile.Yaml([new("demo:caCert", pem), new("demo:adminPassword", pem)], TestStackSecrets.Shared));

            var values = StackConfigFile.Read(path, TestStackSecrets.Passphrase);
            Assert.Equal(pem, values["caCert"]);
            Assert.Equal(pem, values["adminPassword"]);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}

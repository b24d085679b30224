using Speck.Harness.Deployment;

namespace Speck.Tests.Harness.Monitor;

/// <summary>A program that fails: the deployment fails with the program's own message, as the language host reports it.</summary>
public sealed class FailingProgramTests
{
    [Fact]
    public async Task A_program_that_throws_fails_the_run_with_its_message_and_deploys_nothing()
    {
        using var dir = new NodeProgramDir("broken", """
            "use strict";
            require("@pulumi/pulumi");
            throw new Error("the program failed on purpose: no sites configured");
            """, new Dictionary<string, string>());

        var up = await dir.Stack.UpAsync();

        Assert.False(up.Succeeded);
        Assert.Contains(up.Errors, e => e.Contains("the program failed on purpose: no sites configured", StringComparison.Ordinal));
        Assert.DoesNotContain(dir.Stack.LoadState().Resources, r => r.Type.StartsWith("speck:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_program_that_exits_non_zero_fails_with_the_language_hosts_message()
    {
        using var dir = new NodeProgramDir("exits", """
            "use strict";
            require("@pulumi/pulumi");
            process.exitCode = 3;
            """, new Dictionary<string, string>());

        var preview = await dir.Stack.PreviewAsync();

        Assert.False(preview.Succeeded);
        Assert.Contains("Program exited with non-zero exit code: 3", preview.Errors);
    }
}

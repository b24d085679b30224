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

    [Fact]
    public async Task Two_resources_with_one_urn_fail_the_second_as_the_engine_does()
    {
        using var dir = new NodeProgramDir("dup", """
            "use strict";
            const pulumi = require("@pulumi/pulumi");
            new pulumi.ComponentResource("test:index:Group", "g");
            new pulumi.ComponentResource("test:index:Group", "g");
            """, new Dictionary<string, string>());

        var up = await dir.Stack.UpAsync(skipPreview: true);

        Assert.False(up.Succeeded);
        Assert.Equal("urn:pulumi:dev::dup::test:index:Group::g: Duplicate resource URN 'urn:pulumi:dev::dup::test:index:Group::g'; try giving it a unique name",
            Assert.Single(up.Errors));
        Assert.Equal([StepKind.Create, StepKind.Create, StepKind.Failed], up.Steps.Select(s => s.Kind));
    }
}

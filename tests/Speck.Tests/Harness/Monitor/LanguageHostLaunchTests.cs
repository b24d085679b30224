using System.Text.Json.Nodes;
using Speck.Harness.Monitor;
using Speck.Harness.Program;

namespace Speck.Tests.Harness.Monitor;

/// <summary>
/// What the harness's language hosts start, held to what pulumi-language-nodejs (constructArguments, constructConfig)
/// and pulumi-language-dotnet (DotnetBuild, Run, constructEnv) build. The .NET program itself cannot run here (no
/// Pulumi NuGet package), so its launch is checked only as built.
/// </summary>
public sealed class LanguageHostLaunchTests
{
    private static ProgramRunInfo Info(bool dryRun = true, string entry = ".", JsonObject? options = null) => new()
    {
        MonitorAddress = "127.0.0.1:5001", EngineAddress = "127.0.0.1:5002", Project = "roads", Stack = "dev",
        RootDirectory = "/src/roads", ProgramDirectory = "/src/roads", EntryPoint = entry, DryRun = dryRun, Parallel = 8,
        Config = new Dictionary<string, string> { ["roads:brokerUrl"] = "mqtt://127.0.0.1:1883", ["speck:region"] = "eu", ["roads:token"] = "s3cret" },
        ConfigSecretKeys = ["roads:token"], RuntimeOptions = options ?? new JsonObject(),
    };

    [Fact]
    public void Node_runs_the_sdks_run_module_with_the_flags_the_nodejs_host_passes_in_its_order()
    {
        var launch = NodeLanguageHost.Program(Info(), "/src/roads/node_modules/@pulumi/pulumi/cmd/run/index.js");

        Assert.Equal("node", launch.FileName);
        Assert.Equal(
        [
            "/src/roads/node_modules/@pulumi/pulumi/cmd/run/index.js", "--monitor", "127.0.0.1:5001", "--engine", "127.0.0.1:5002",
            "--project", "roads", "--root-directory", "/src/roads", "--stack", "dev", "--pwd", "/src/roads", "--dry-run", "--parallel", "8", ".",
        ], launch.Arguments);
        Assert.Equal("/src/roads", launch.WorkingDirectory);
        Assert.DoesNotContain("--dry-run", NodeLanguageHost.Program(Info(dryRun: false, entry: "index.js"), "run").Arguments);
        Assert.Equal("index.js", NodeLanguageHost.Program(Info(dryRun: false, entry: "index.js"), "run").Arguments[^1]);
    }

    [Fact]
    public void Node_gets_its_config_keys_in_the_old_namespace_config_key_form_and_the_secret_keys_as_given()
    {
        var env = NodeLanguageHost.Program(Info(), "run").Environment;

        Assert.Equal(JsonNode.Parse("""{"roads:config:brokerUrl":"mqtt://127.0.0.1:1883","speck:config:region":"eu","roads:config:token":"s3cret"}""")!.ToJsonString(),
            JsonNode.Parse(env["PULUMI_CONFIG"])!.ToJsonString());
        Assert.Equal("""["roads:token"]""", env["PULUMI_CONFIG_SECRET_KEYS"]);
        Assert.Equal("true", env["PULUMI_NODEJS_TYPESCRIPT"]);
    }

    [Fact]
    public void Node_runtime_options_turn_typescript_off_and_put_nodeargs_before_the_run_module()
    {
        var launch = NodeLanguageHost.Program(Info(options: new JsonObject { ["typescript"] = false, ["nodeargs"] = "--max-old-space-size=512 --trace-warnings" }), "run");

        Assert.False(launch.Environment.ContainsKey("PULUMI_NODEJS_TYPESCRIPT"));
        Assert.Equal(["--max-old-space-size=512", "--trace-warnings", "run"], launch.Arguments.Take(3));
        Assert.Throws<HarnessException>(() => NodeLanguageHost.Program(Info(options: new JsonObject { ["typescript"] = "no" }), "run"));
    }

    [Fact]
    public void Dotnet_builds_the_project_then_runs_it_without_building_again_with_the_run_in_pulumi_variables()
    {
        var launches = DotnetLanguageHost.Launches(Info(entry: "Roads.csproj"));

        Assert.Equal(2, launches.Count);
        Assert.Equal("dotnet", launches[0].FileName);
        Assert.Equal(["build", "-nologo", "/src/roads/Roads.csproj"], launches[0].Arguments);
        Assert.Empty(launches[0].Environment);
        Assert.Equal("dotnet", launches[1].FileName);
        Assert.Equal(["run", "--no-build", "--project", "/src/roads/Roads.csproj"], launches[1].Arguments);
        var env = launches[1].Environment;
        Assert.Equal("127.0.0.1:5001", env["PULUMI_MONITOR"]);
        Assert.Equal("127.0.0.1:5002", env["PULUMI_ENGINE"]);
        Assert.Equal("roads", env["PULUMI_PROJECT"]);
        Assert.Equal("/src/roads", env["PULUMI_ROOT_DIRECTORY"]);
        Assert.Equal("dev", env["PULUMI_STACK"]);
        Assert.Equal("/src/roads", env["PULUMI_PWD"]);
        Assert.Equal("true", env["PULUMI_DRY_RUN"]);
        Assert.Equal("false", env["PULUMI_QUERY_MODE"]);
        Assert.Equal("8", env["PULUMI_PARALLEL"]);
        Assert.Equal("false", env["PULUMI_ATTACH_DEBUGGER"]);
        // The .NET host passes the keys as the engine gives them (no ":config:" rewriting).
        Assert.Equal("s3cret", JsonNode.Parse(env["PULUMI_CONFIG"])!["roads:token"]!.GetValue<string>());
        Assert.Equal("""["roads:token"]""", env["PULUMI_CONFIG_SECRET_KEYS"]);
        Assert.Equal("false", DotnetLanguageHost.Launches(Info(dryRun: false))[1].Environment["PULUMI_DRY_RUN"]);
        Assert.Equal("/src/roads", DotnetLanguageHost.Launches(Info(entry: "."))[1].Arguments[^1]);
    }

    [Fact]
    public void Dotnet_binary_option_runs_a_dll_with_dotnet_and_an_executable_directly_without_a_build()
    {
        var dll = DotnetLanguageHost.Launches(Info(options: new JsonObject { ["binary"] = "bin/Roads.dll" }));
        var exe = DotnetLanguageHost.Launches(Info(options: new JsonObject { ["binary"] = "bin/roads" }));

        Assert.Equal("dotnet", Assert.Single(dll).FileName);
        Assert.Equal(["bin/Roads.dll"], dll[0].Arguments);
        Assert.Equal("bin/roads", Assert.Single(exe).FileName);
        Assert.Equal("dev", exe[0].Environment["PULUMI_STACK"]);
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(32, "")]
    [InlineData(1, "Program exited with non-zero exit code: 1")]
    public void Exit_code_32_means_the_program_reported_its_error_itself(int exitCode, string? error) =>
        Assert.Equal(error, ProgramExit.Error(exitCode));

    [Fact]
    public void The_runtime_names_pick_the_hosts() =>
        Assert.Equal((typeof(NodeLanguageHost), typeof(DotnetLanguageHost), (Type?)null),
            (LanguageHosts.For("nodejs")!.GetType(), LanguageHosts.For("dotnet")!.GetType(), LanguageHosts.For("python")?.GetType()));
}

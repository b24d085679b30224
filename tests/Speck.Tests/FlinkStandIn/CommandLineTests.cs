using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Speck.FlinkStandIn.Jars;

namespace Speck.Tests.FlinkStandIn;

/// <summary>The standalone <c>flink-standin</c> executable: flags reach the cluster it serves.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public async Task The_executable_prints_its_url_and_serves_with_the_given_slots_and_savepoint_dir()
    {
        var root = Path.Combine(Path.GetTempPath(), "speck-flink-cli-" + Guid.NewGuid().ToString("N")[..8]);
        var savepoints = Path.Combine(root, "sp");
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "flink-standin"))
        {
            ArgumentList = { "--port", "0", "--slots", "3", "--savepoint-dir", savepoints, "--upload-dir", Path.Combine(root, "jars") },
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        try
        {
            var firstLine = process.StandardOutput.ReadLineAsync();
            Assert.Same(firstLine, await Task.WhenAny(firstLine, Task.Delay(TimeSpan.FromSeconds(30))));
            var url = await firstLine;
            Assert.Matches("^http://127\\.0\\.0\\.1:[0-9]+$", url);

            using var http = new HttpClient { BaseAddress = new Uri(url!), Timeout = TimeSpan.FromSeconds(20) };
            var overview = await http.GetFromJsonAsync<JsonObject>("/overview");
            Assert.Equal(3, (int)overview!["slots-total"]!);

            using var form = new MultipartFormDataContent { { new ByteArrayContent(TestJar.Build("org.example.Cli")), "jarfile", "cli.jar" } };
            var upload = await (await http.PostAsync("/jars/upload", form)).Content.ReadFromJsonAsync<JsonObject>();
            var jarId = Path.GetFileName((string)upload!["filename"]!);
            Assert.StartsWith(Path.Combine(root, "jars"), (string)upload["filename"]!);
            var run = await (await http.PostAsJsonAsync($"/jars/{jarId}/run", new JsonObject())).Content.ReadFromJsonAsync<JsonObject>();
            var jobId = (string)run!["jobid"]!;

            string? location = null;
            for (var i = 0; i < 400 && location is null; i++)
            {
                var stop = await http.PostAsync($"/jobs/{jobId}/stop", null);
                if (stop.StatusCode == System.Net.HttpStatusCode.Accepted)
                {
                    var trigger = (string)(await stop.Content.ReadFromJsonAsync<JsonObject>())!["request-id"]!;
                    for (var j = 0; j < 400 && location is null; j++)
                    {
                        var status = await http.GetFromJsonAsync<JsonObject>($"/jobs/{jobId}/savepoints/{trigger}");
                        if ((string?)status!["status"]!["id"] == "COMPLETED")
                        {
                            location = (string?)status["operation"]!["location"] ?? "";
                            break;
                        }
                        await Task.Delay(20);
                    }
                }
                if (location == "") location = null; // job not running yet: the savepoint failed, try again
                if (location is null) await Task.Delay(20);
            }
            Assert.StartsWith("file:" + savepoints + "/savepoint-", location);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }
}

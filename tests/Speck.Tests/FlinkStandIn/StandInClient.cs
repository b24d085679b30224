using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Speck.FlinkStandIn;
using Speck.FlinkStandIn.Jars;

namespace Speck.Tests.FlinkStandIn;

/// <summary>An answer: status and parsed JSON body.</summary>
public sealed record RestAnswer(HttpStatusCode Status, JsonNode? Body)
{
    public JsonObject Object => Body!.AsObject();
    public string FirstError => (string)Body!["errors"]![0]!;
}

/// <summary>A stand-in started for one test plus a raw HTTP client for it; tests speak Flink's REST API directly.</summary>
public sealed class StandInClient : IAsyncDisposable
{
    public const string EntryClass = "org.example.speck.WordCount";
    private readonly List<string> _tempDirs = [];

    private StandInClient(Speck.FlinkStandIn.FlinkStandIn standIn, HttpClient http)
    {
        StandIn = standIn;
        Http = http;
    }

    public Speck.FlinkStandIn.FlinkStandIn StandIn { get; }
    public HttpClient Http { get; }

    public static async Task<StandInClient> StartAsync(FlinkStandInOptions? options = null)
    {
        var standIn = new Speck.FlinkStandIn.FlinkStandIn(options);
        var url = await standIn.StartAsync();
        return new StandInClient(standIn, new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(20) });
    }

    public string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "speck-flink-test-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        _tempDirs.Add(dir);
        return dir;
    }

    public Task<RestAnswer> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<RestAnswer> PostAsync(string path, object? body = null) => SendAsync(HttpMethod.Post, path, body);

    public async Task<RestAnswer> SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = new StringContent(body is string s ? s : ((JsonNode)body).ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new RestAnswer(response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public async Task<RestAnswer> UploadAsync(byte[] content, string fileName, string field = "jarfile")
    {
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(content);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/x-java-archive");
        form.Add(part, field, fileName);
        using var response = await Http.PostAsync("/jars/upload", form);
        return new RestAnswer(response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>Uploads a jar whose manifest names <paramref name="entryClass"/> and returns its jar id.</summary>
    public async Task<string> UploadJarAsync(string entryClass = EntryClass, string name = "wordcount.jar")
    {
        var answer = await UploadAsync(TestJar.Build(entryClass), name);
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var filename = (string)answer.Body!["filename"]!;
        return filename[(filename.LastIndexOf('/') + 1)..];
    }

    public async Task<string> RunAsync(string jarId, JsonObject? body = null)
    {
        var answer = await PostAsync($"/jars/{jarId}/run", body ?? new JsonObject());
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Body?.ToJsonString());
        return (string)answer.Body!["jobid"]!;
    }

    public async Task<string> StateAsync(string jobId) => (string)(await GetAsync($"/jobs/{jobId}")).Body!["state"]!;

    /// <summary>Polls the job details until the state matches; bounded by count and time.</summary>
    public async Task<JsonObject> WaitForStateAsync(string jobId, string state, int maxPolls = 400)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        JsonObject? last = null;
        for (var i = 0; i < maxPolls && DateTime.UtcNow < deadline; i++)
        {
            last = (await GetAsync($"/jobs/{jobId}")).Object;
            if ((string?)last["state"] == state) return last;
            await Task.Delay(25);
        }
        throw new Xunit.Sdk.XunitException($"job {jobId} never reached {state}; last: {last?["state"]}");
    }

    /// <summary>Polls a savepoint trigger until COMPLETED; returns every answer seen, the completed one last.</summary>
    public async Task<List<JsonObject>> WaitForSavepointAsync(string jobId, string triggerId, int maxPolls = 400)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var seen = new List<JsonObject>();
        for (var i = 0; i < maxPolls && DateTime.UtcNow < deadline; i++)
        {
            var answer = await GetAsync($"/jobs/{jobId}/savepoints/{triggerId}");
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            seen.Add(answer.Object);
            if ((string?)answer.Body!["status"]!["id"] == "COMPLETED") return seen;
            await Task.Delay(25);
        }
        throw new Xunit.Sdk.XunitException($"savepoint {triggerId} never completed");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await StandIn.DisposeAsync();
        foreach (var dir in _tempDirs)
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }
}

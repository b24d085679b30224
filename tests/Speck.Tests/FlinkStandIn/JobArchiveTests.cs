using System.Net;
using System.Text.Json.Nodes;
using Speck.FlinkStandIn;
using Speck.FlinkStandIn.Jobs;

namespace Speck.Tests.FlinkStandIn;

public sealed class JobArchiveTests
{
    [Fact]
    public async Task Terminal_jobs_leave_the_REST_API_after_the_store_expiration_but_their_ids_stay_burned()
    {
        await using var c = await StandInClient.StartAsync(new FlinkStandInOptions { JobStoreExpiration = TimeSpan.FromMilliseconds(300) });
        var jarId = await c.UploadJarAsync();
        var jobId = await c.RunAsync(jarId);
        await c.SendAsync(HttpMethod.Patch, $"/jobs/{jobId}");
        await c.WaitForStateAsync(jobId, "CANCELED");

        RestAnswer? gone = null;
        for (var i = 0; i < 400 && gone is null; i++)
        {
            var a = await c.GetAsync($"/jobs/{jobId}");
            if (a.Status == HttpStatusCode.NotFound) gone = a;
            else await Task.Delay(10);
        }
        Assert.NotNull(gone);
        Assert.Empty((await c.GetAsync("/jobs")).Body!["jobs"]!.AsArray());
        Assert.Equal(0, (int)(await c.GetAsync("/overview")).Body!["jobs-cancelled"]!);
        Assert.Equal(HttpStatusCode.NotFound, (await c.SendAsync(HttpMethod.Patch, $"/jobs/{jobId}")).Status);
        var again = await c.PostAsync($"/jars/{jarId}/run", new JsonObject { ["jobId"] = jobId });
        Assert.Contains("DuplicateJobSubmissionException", again.FirstError);
        Assert.Equal(JobStatus.CANCELED, c.StandIn.Job(jobId)!.State);
    }
}

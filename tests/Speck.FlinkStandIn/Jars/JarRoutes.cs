using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Speck.FlinkStandIn.Http;
using Speck.FlinkStandIn.Jobs;

namespace Speck.FlinkStandIn.Jars;

/// <summary>
/// <c>/jars</c>, <c>/jars/upload</c>, <c>DELETE /jars/{jarid}</c> and <c>/jars/{jarid}/run</c> (docs/flink-rest.md
/// §Jars).
/// </summary>
internal static class JarRoutes
{
    public static void Map(Router router, JarStore jars, JarRun run, Func<string> address)
    {
        router.Add("GET", "/jars", _ =>
        {
            var files = new JsonArray();
            foreach (var (id, name, uploaded, entries) in jars.List())
                files.Add(new JsonObject
                {
                    ["id"] = id, ["name"] = name, ["uploaded"] = uploaded,
                    ["entry"] = new JsonArray(entries.Select(e => (JsonNode)new JsonObject { ["name"] = e, ["description"] = null }).ToArray()),
                });
            return FlinkResponse.Ok(new JsonObject { ["address"] = address(), ["files"] = files });
        });
        router.Add("POST", "/jars/upload", r => UploadAsync(r, jars));
        router.Add("DELETE", "/jars/{jarid}", r =>
        {
            jars.Delete(r.Path("jarid"));
            return FlinkResponse.Ok(new JsonObject());
        });
        router.Add("POST", "/jars/{jarid}/run", run.RunAsync);
    }

    /// <summary>Exactly one file part (its field name is not checked) whose name ends in <c>.jar</c>.</summary>
    private static async Task<FlinkResponse> UploadAsync(FlinkRequest r, JarStore jars)
    {
        var request = r.Http.Request;
        IFormFileCollection? files;
        try
        {
            files = request.HasFormContentType ? (await request.ReadFormAsync(r.Aborted)).Files : null;
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw FlinkRestException.Handler(400, "Failed to decode the multipart upload: " + e.Message);
        }
        var count = files?.Count ?? 0;
        if (count != 1) throw FlinkRestException.Handler(400, $"Exactly 1 file must be sent, received {count}.");
        var file = files![0];
        var name = Path.GetFileName(file.FileName.Replace('\\', '/'));
        if (!name.EndsWith(".jar", StringComparison.Ordinal)) throw FlinkRestException.Handler(400, "Only Jar files are allowed.");
        await using var content = file.OpenReadStream();
        var path = jars.Save(name, content);
        return FlinkResponse.Ok(new JsonObject { ["filename"] = path, ["status"] = "success" });
    }
}

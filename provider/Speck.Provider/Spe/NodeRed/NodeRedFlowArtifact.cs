using System.Text;
using System.Text.Json.Nodes;

namespace Speck.Provider.Spe.NodeRed;

/// <summary>
/// A Node-RED flow as the <see cref="JobArtifact"/> of a job deployment: named by the flow's hash (which leaves out
/// credentials), its content is the body for <c>POST/PUT /flow</c>, credentials included, held in memory only.
/// </summary>
public static class NodeRedFlowArtifact
{
    public const string FileName = "flow.json";

    public static JobArtifact From(NodeRedFlow flow)
    {
        var bytes = Encoding.UTF8.GetBytes(flow.Body.ToJsonString());
        return new JobArtifact(flow.Hash, FileName, _ => Task.FromResult<Stream>(new MemoryStream(bytes, writable: false)));
    }

    public static async Task<NodeRedFlow> ReadAsync(JobArtifact artifact, CancellationToken ct)
    {
        await using var stream = await artifact.OpenAsync(ct);
        var body = await JsonNode.ParseAsync(stream, cancellationToken: ct) as JsonObject
            ?? throw new NodeRedFlowInvalidException([$"artifact '{artifact.FileName}' is not a Node-RED flow object"]);
        return NodeRedFlow.FromBody(body);
    }
}

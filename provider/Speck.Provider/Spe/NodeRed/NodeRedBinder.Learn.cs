namespace Speck.Provider.Spe.NodeRed;

public sealed partial class NodeRedBinder
{
    /// <summary>A flow keeps its MQTT nodes and processing: an import learns them (<see cref="NodeRedJobLearning"/>).</summary>
    public Task<LearnedJob?> LearnAsync(Model.SpeEndpoint endpoint, string jobId, CancellationToken ct) => GuardAsync(endpoint, async () =>
        await Jobs(endpoint).ImportAsync(jobId, ct) is { Flow: { } flow } ? NodeRedJobLearning.From(flow) : null);
}

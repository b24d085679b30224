using System.Net;
using System.Net.Sockets;
using Speck.Host.Resources;
using Speck.Provider.Model;

namespace Speck.Provider.Spe.NodeRed;

/// <summary>
/// Stream jobs on Node-RED: the job's artifact is its flow (<see cref="NodeRedFlowArtifact"/>), the job id is the
/// flow's tab id, and it stays the same across generations because a redeploy replaces the flow in place.
/// </summary>
public sealed partial class NodeRedBinder
{
    public Task<DeployedJob> DeployAsync(JobDeployment deployment, CancellationToken ct) => GuardAsync(deployment.Endpoint, async () =>
    {
        if (deployment.RestoreFrom is not null)
            throw ProviderException.Precondition("Node-RED keeps no savepoints, so a Node-RED job cannot start from one: use upgradeMode `stateless`");
        var flow = await NodeRedFlowArtifact.ReadAsync(deployment.Artifact, ct);
        var jobs = Jobs(deployment.Endpoint);
        var deployed = await jobs.DeployAsync(flow, ct);
        string? problem = null;
        try
        {
            using var status = deployment.Progress.Begin($"Node-RED flow {deployed.FlowId} to connect to its brokers");
            await jobs.WaitConnectedAsync(deployed.FlowId, flow, deployment.ReadyTimeout, ct);
        }
        catch (TimeoutException e)
        {
            problem = e.Message; // an unhealthy job is returned, not thrown (ISpeBinder)
        }

        var context = await Client(deployment.Endpoint).GetFlowContextAsync(deployed.FlowId, ct) ?? [];
        if (problem is not null)
            problem += await NodeRedBrokerCheck.ExplainAsync(flow.Body,
                flow.MqttNodes.Keys.Where(id => NodeRedJobs.StatusOf(context, id).Text != NodeRedJobs.Connected), ct);
        return new DeployedJob(deployed.FlowId, deployment.Generation, JobStates.Running, deployed.Hash, NodeRedJobs.StartedAt(context), problem);
    });

    public Task<ObservedJob?> FindAsync(SpeEndpoint endpoint, string jobId, CancellationToken ct) => GuardAsync(endpoint, async () =>
    {
        var reading = await Jobs(endpoint).ReadAsync(jobId, null, ct);
        if (reading.State == NodeRedFlowState.Missing) return null;
        var context = await Client(endpoint).GetFlowContextAsync(jobId, ct) ?? [];
        var started = NodeRedJobs.StartedAt(context);
        if (reading.Disabled)
            return new ObservedJob(jobId, JobStates.Canceled, started, null, "the flow is disabled on the engine");
        var problem = reading.State == NodeRedFlowState.Drifted
            ? "the flow was edited on the engine since it was deployed"
            : NodeRedJobs.NotConnected(context, NodeRedFlow.FromBody(reading.Flow!));
        return (ObservedJob?)new ObservedJob(jobId, JobStates.Running, started, null, problem);
    });

    public Task<string?> StopAsync(SpeEndpoint endpoint, string jobId, JobStop stop, CancellationToken ct) => GuardAsync(endpoint, async () =>
    {
        if (stop.WithSavepoint)
            throw ProviderException.Precondition("Node-RED keeps no savepoints: use upgradeMode `stateless` for Node-RED jobs");
        await Jobs(endpoint).DeleteAsync(jobId, ct); // already gone is not an error
        return (string?)null;
    });

    public NodeRedJobs Jobs(SpeEndpoint endpoint) => new(Client(endpoint));

    /// <summary>Clean failures get the gRPC code the engine reads; only a lost answer stays an unknown outcome.</summary>
    private static async Task<T> GuardAsync<T>(SpeEndpoint endpoint, Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (NodeRedFlowInvalidException e)
        {
            throw ProviderException.Invalid(e.Message);
        }
        catch (NodeRedApiException e) when (e.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw ProviderException.Precondition($"Node-RED at {endpoint.Url} refused the site's credentials: {e.Message}");
        }
        catch (NodeRedApiException e) when (e.StatusCode == HttpStatusCode.BadRequest)
        {
            throw ProviderException.Invalid(e.Message);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException)
        {
            throw ProviderException.Unavailable($"Node-RED at {endpoint.Url} is unreachable: {e.InnerException.Message}", e);
        }
    }
}

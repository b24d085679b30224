using Speck.Harness.State;

namespace Speck.Harness.Deployment;

/// <summary>
/// What a deployment does with the pending operations an earlier one left (docs/pulumi-engine.md §Pending operations):
/// a preview goes ahead silently; an update or a destroy warns with the engine's text and goes ahead; every
/// deployment that writes the state keeps only the pending creates, which wait for the user (refresh
/// <c>--clear-pending-creates</c>, or an import of what was created).
/// </summary>
internal static class PendingOperationsAtStart
{
    public static void Apply(StateFile state, Operation operation, DeploymentResult result)
    {
        if (operation == Operation.Preview) return;
        // Execute prints it when the deployment is neither a dry run nor a refresh (deployment_executor.go:173-188 (pulumi v3.259.0)).
        if (operation is Operation.Update or Operation.Destroy && state.PendingOperations.Count > 0)
            result.Warnings.Add(Warning(state.PendingOperations));
        state.DropPendingOperationsButCreates();
    }

    /// <summary>printPendingOperationsWarning, word for word (deployment_executor.go:90-114 (pulumi v3.259.0)).</summary>
    public static string Warning(IReadOnlyList<PendingOperation> pending) =>
        "Attempting to deploy or update resources " +
        $"with {pending.Count} pending operations from previous deployment.\n" +
        string.Concat(pending.Select(op => $"  * {op.Resource.Urn}, interrupted while {op.Type}\n")) +
        "These resources are in an unknown state because the Pulumi CLI was interrupted while " +
        "waiting for changes to these resources to complete. You should confirm whether or not the " +
        "operations listed completed successfully by checking the state of the appropriate provider. " +
        "For example, if you are using AWS, you can confirm using the AWS Console.\n" +
        "\n" +
        "Once you have confirmed the status of the interrupted operations, you can repair your stack " +
        "using `pulumi refresh` which will refresh the state from the provider you are using and " +
        "clear the pending operations if there are any.\n" +
        "\n" +
        "Note that `pulumi refresh` will need to be run interactively to clear pending CREATE operations.";
}

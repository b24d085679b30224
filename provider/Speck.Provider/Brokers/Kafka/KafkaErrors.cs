using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Speck.Host.Resources;

namespace Speck.Provider.Brokers.Kafka;

/// <summary>
/// Turns Confluent.Kafka failures into what they mean for the engine: a broker that refused (bad input, policy,
/// missing rights) failed cleanly; no connection is unavailable; a write whose answer never came is unknown.
/// </summary>
public static class KafkaErrors
{
    /// <summary>The error that matters: for admin exceptions with per-topic reports, the first topic that failed.</summary>
    public static Error ErrorOf(KafkaException e) => e switch
    {
        CreateTopicsException c => c.Results.Select(r => r.Error).FirstOrDefault(x => x.IsError) ?? e.Error,
        CreatePartitionsException c => c.Results.Select(r => r.Error).FirstOrDefault(x => x.IsError) ?? e.Error,
        DeleteTopicsException d => d.Results.Select(r => r.Error).FirstOrDefault(x => x.IsError) ?? e.Error,
        DescribeConfigsException d => d.Results.Select(r => r.Error).FirstOrDefault(x => x.IsError) ?? e.Error,
        IncrementalAlterConfigsException i => i.Results.Select(r => r.Error).FirstOrDefault(x => x.IsError) ?? e.Error,
        DescribeTopicsException d => d.Results.TopicDescriptions.Select(t => t.Error).FirstOrDefault(x => x.IsError) ?? e.Error,
        _ => e.Error,
    };

    public static ErrorCode CodeOf(KafkaException e) => ErrorOf(e).Code;

    public static bool IsUnreachable(ErrorCode code) =>
        code is ErrorCode.Local_Transport or ErrorCode.Local_AllBrokersDown or ErrorCode.Local_Resolve or ErrorCode.Local_Authentication;

    public static bool IsTimeout(ErrorCode code) =>
        code is ErrorCode.Local_TimedOut or ErrorCode.RequestTimedOut or ErrorCode.Local_TimedOutQueue;

    /// <param name="write">Whether the operation changes the cluster: a timeout then leaves its outcome unknown.</param>
    public static ProviderException Map(KafkaException e, KafkaConnection where, string what, bool write)
    {
        var error = ErrorOf(e);
        var text = $"{where}: {what} failed: {error.Reason} ({error.Code})";
        return error.Code switch
        {
            var c when IsUnreachable(c) => ProviderException.Unavailable(text, e),
            var c when IsTimeout(c) => write
                ? ProviderException.OutcomeUnknown(text + "; the change may or may not have been made", e)
                : ProviderException.Unavailable(text, e),
            ErrorCode.InvalidConfig or ErrorCode.InvalidPartitions or ErrorCode.InvalidReplicationFactor
                or ErrorCode.TopicException or ErrorCode.InvalidRequest => ProviderException.Invalid(text),
            _ => ProviderException.Precondition(text),
        };
    }
}

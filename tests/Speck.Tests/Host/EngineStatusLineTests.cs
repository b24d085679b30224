using Speck.Harness.Engine;
using Speck.Host.Grpc;
using Speck.Host.Resources;

namespace Speck.Tests.Host;

/// <summary>The provider's status lines reach the engine as Pulumi's Go SDK sends them (LogStatus: ephemeral, Info).</summary>
[Trait("Category", "Unit")]
public sealed class EngineStatusLineTests
{
    [Fact]
    public async Task A_status_line_is_an_ephemeral_info_message_and_a_log_line_is_not()
    {
        await using var engine = await EngineLogServer.StartAsync(CancellationToken.None);
        using var log = new EngineLog();
        Assert.True(log.Connect(engine.Address));
        const string urn = "urn:pulumi:dev::p::speck:index:StreamJob::j";

        await log.StatusAsync("waiting for the savepoint of Flink job 1 on site 'a': 3 s so far", urn);
        await log.LogAsync(MessageSeverity.Info, "job 1 stopped with a savepoint", urn);

        var entries = engine.Entries.ToList();
        Assert.Equal(2, entries.Count);
        Assert.Equal(new EngineLogEntry(LogSeverityLevel.Info, "waiting for the savepoint of Flink job 1 on site 'a': 3 s so far", urn, Ephemeral: true), entries[0]);
        Assert.False(entries[1].Ephemeral);
    }
}

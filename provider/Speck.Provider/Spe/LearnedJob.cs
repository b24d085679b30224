using System.Text.Json.Nodes;

namespace Speck.Provider.Spe;

/// <summary>A topic a job's deployment on the engine names: its broker's URL and the topic.</summary>
public sealed record LearnedTopic(string BrokerUrl, string Topic);

/// <summary>
/// What an engine shows of a job beyond its state, for an import: its topics and processing when the engine keeps
/// them (a Node-RED flow has its MQTT nodes and function); null members are what it does not show.
/// </summary>
public sealed record LearnedJob
{
    public IReadOnlyList<LearnedTopic>? Sources { get; init; }
    public LearnedTopic? Sink { get; init; }
    public string? Function { get; init; }
    public JsonArray? Nodes { get; init; }
}

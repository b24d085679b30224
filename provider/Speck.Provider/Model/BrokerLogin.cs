using System.ComponentModel;
using Speck.Host.Schema;

namespace Speck.Provider.Model;

[SchemaToken("speck:index:BrokerLogin")]
[Description("A job's own login on one broker: a client allowed to read the job's sources and write its sink, nothing else.")]
public sealed record BrokerLogin
{
    [Description("The broker the login is on.")]
    public required string BrokerUrl { get; init; }

    [Description("The broker client the job connects as.")]
    public required string Username { get; init; }

    [Secret]
    [Description("The client's generated password.")]
    public required string Password { get; init; }

    [Description("Marks the broker client as this job's (its owner tag): kept, like the username, when the job is renamed with an alias, so its login stays its own.")]
    public string? OwnerTag { get; init; }

    /// <summary>Never prints the password (records print every member by default).</summary>
    public override string ToString() => $"{Username} on {BrokerUrl}";
}

using System.ComponentModel;
using System.Security.Cryptography;
using Speck.Host.Resources;
using Speck.Host.Schema;
using Speck.Provider.Brokers;
using Speck.Provider.Model;

namespace Speck.Provider.Resources;

public record TopicArgs
{
    [Description("The site whose broker carries the topic: `${mySite.connection}`.")]
    public required SiteConnection Site { get; init; }

    [ReplaceOnChanges]
    [Description("The topic name jobs publish to. MQTT: no `+` or `#`, no leading `$`, at most 65535 UTF-8 bytes, no NUL.")]
    public required string Name { get; init; }
}

public sealed record TopicState : TopicArgs
{
    [Description("Marks the broker objects made for this resource, so a replacement never deletes its successor's.")]
    public required string OwnerTag { get; init; }

    [Description("Dynamic-security role allowed to publish to the topic (null without access control).")]
    public string? PublishRole { get; init; }

    [Description("Dynamic-security role allowed to subscribe to the topic (null without access control).")]
    public string? SubscribeRole { get; init; }

    [Description("False when the topic's roles were changed outside Pulumi; the next update restores them.")]
    public required bool InSync { get; init; }

    [Description("Where the topic is, for jobs' `sources` and `sink`.")]
    public required TopicEndpoint Endpoint { get; init; }
}

/// <summary>
/// A topic on a site's broker. On Mosquitto with dynamic security it is a publish role and a subscribe role that
/// jobs' credentials are given; without it, Create proves the broker accepts the name.
/// </summary>
public sealed class Topic(Binders binders, TypeContracts contracts)
    : CustomResource<TopicArgs, TopicState>("speck:index:Topic",
        "A topic on a site's broker that stream jobs read from or write to. Jobs sharing a topic form the pipeline's graph.",
        contracts)
{
    protected override void Validate(TopicArgs args, CheckContext check)
    {
        if (args.Site?.Broker is not { } broker || args.Name is not { } name) return;
        if (binders.Broker(broker.Kind).ValidateTopicName(name) is { } problem) check.Fail("name", problem);
    }

    protected override void CustomizeDiff(DiffContext<TopicArgs, TopicState> diff)
    {
        // The topic lives on the broker: another broker is another topic.
        foreach (var path in new[] { "site.broker.url", "site.broker.kind" })
            if (diff.Detailed.TryGetValue(path, out var kind)) diff.Detailed[path] = kind.AsReplace();
        if (diff.OldState is { InSync: false }) diff.Detailed["inSync"] = DiffKind.Update;
    }

    protected override async Task<(string Id, TopicState State)> CreateAsync(TopicArgs args, ResourceContext ctx)
    {
        var owner = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var record = await Binder(args).CreateTopicAsync(args.Site.Broker, args.Name, owner, ctx.CancellationToken);
        return (Id(args), State(args, record));
    }

    protected override async Task<(TopicArgs Inputs, TopicState State)?> ReadAsync(string id, TopicArgs? oldInputs, TopicState? oldState, ResourceContext ctx)
    {
        var args = oldInputs ?? ImportArgs(id);
        var recorded = oldState is null
            ? new TopicRecord(args.Name, "", null, null, [])
            : new TopicRecord(oldState.Name, oldState.OwnerTag, oldState.PublishRole, oldState.SubscribeRole, []);
        var found = await Binder(args).ReadTopicAsync(args.Site.Broker, recorded, ctx.CancellationToken);
        if (found is null) return null;
        foreach (var d in found.Drift) await ctx.WarnAsync($"topic '{args.Name}' drifted: {d}");
        return (args, State(args, found));
    }

    protected override async Task<TopicState> UpdateAsync(string id, TopicState olds, TopicArgs news, ResourceContext ctx)
    {
        var record = await Binder(news).CreateTopicAsync(news.Site.Broker, news.Name, olds.OwnerTag, ctx.CancellationToken);
        return State(news, record);
    }

    protected override async Task DeleteAsync(string id, TopicState olds, ResourceContext ctx)
    {
        var notes = await Binder(olds).DeleteTopicAsync(olds.Site.Broker,
            new TopicRecord(olds.Name, olds.OwnerTag, olds.PublishRole, olds.SubscribeRole, []), ctx.CancellationToken);
        foreach (var note in notes) await ctx.WarnAsync(note);
    }

    private IBrokerBinder Binder(TopicArgs args) => binders.Broker(args.Site.Broker.Kind);

    private static string Id(TopicArgs args) => $"{args.Site.SiteName}/{args.Name}";

    /// <summary>Import IDs are <c>&lt;site name&gt;/&lt;topic name&gt;</c>; the site must be in the same program.</summary>
    private TopicArgs ImportArgs(string id)
    {
        var slash = id.IndexOf('/');
        if (slash <= 0 || slash == id.Length - 1)
            throw ProviderException.Invalid($"import ID '{id}' should be '<site name>/<topic name>'");
        var siteName = id[..slash];
        var site = binders.Sites.Find(siteName)
            ?? throw ProviderException.Precondition($"site '{siteName}' is unknown to the provider: import topics together with their SpeSite");
        return new TopicArgs { Site = site, Name = id[(slash + 1)..] };
    }

    private static TopicState State(TopicArgs args, TopicRecord record) => new()
    {
        Site = args.Site,
        Name = args.Name,
        OwnerTag = record.OwnerTag,
        PublishRole = record.PublishRole,
        SubscribeRole = record.SubscribeRole,
        InSync = record.Drift.Count == 0,
        Endpoint = new TopicEndpoint
        {
            SiteName = args.Site.SiteName,
            Broker = args.Site.Broker,
            Name = args.Name,
            PublishRole = record.PublishRole,
            SubscribeRole = record.SubscribeRole,
        },
    };
}

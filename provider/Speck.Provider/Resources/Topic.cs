using System.ComponentModel;
using Speck.Host.Resources;
using Speck.Host.Schema;
using Speck.Provider.Brokers;
using Speck.Provider.Brokers.Kafka;
using Speck.Provider.Credentials;
using Speck.Provider.Model;

namespace Speck.Provider.Resources;

public record TopicArgs
{
    [Description("The site whose broker carries the topic: its `connection` output (`${mySite.connection}`).")]
    public required SiteConnection Site { get; init; }

    [ReplaceOnChanges]
    [Description("The topic name jobs publish to. MQTT: no `+` or `#`, no leading `$`, at most 65535 UTF-8 bytes, no NUL. Kafka: 1-249 of `[a-zA-Z0-9._-]`, not `.` or `..`.")]
    public required string Name { get; init; }

    [Description("Kafka only: the number of partitions; omit for the broker's default. Raising it adds partitions in place; lowering it is refused unless `replaceOnPartitionDecrease` is set.")]
    public int? Partitions { get; init; }

    [Description("Kafka only: replicas per partition; omit for the broker's default. Changing it replaces the topic.")]
    public int? ReplicationFactor { get; init; }

    [Description("Kafka only: topic-level config such as `retention.ms` or `cleanup.policy`, values as strings. Changes are applied in place; entries removed from the map return to the broker's default. Omit to leave the topic's config unmanaged.")]
    public Dictionary<string, string>? Config { get; init; }

    [Description("Kafka only: let a lower `partitions` delete and recreate the topic, losing its messages. Without it such a change is refused.")]
    public bool? ReplaceOnPartitionDecrease { get; init; }
}

public sealed record TopicState : TopicArgs
{
    [Description("Marks the broker objects made for this resource, so a replacement never deletes its successor's.")]
    public required string OwnerTag { get; init; }

    [Description("Dynamic-security role allowed to publish to the topic (null without access control).")]
    public string? PublishRole { get; init; }

    [Description("Dynamic-security role allowed to subscribe to the topic (null without access control).")]
    public string? SubscribeRole { get; init; }

    [Description("Kafka: the partition count the broker reports.")]
    public int? ActualPartitions { get; init; }

    [Description("Kafka: the replication factor the broker reports.")]
    public int? ActualReplicationFactor { get; init; }

    [Description("False when the topic's roles (MQTT) or settings (Kafka) were changed outside Pulumi; the next update restores them.")]
    public required bool InSync { get; init; }

    [Description("Where the topic is, as one JSON string: pass it as jobs' `sources` and `sink` (`${myTopic.endpoint}`).")]
    public required TopicEndpoint Endpoint { get; init; }
}

/// <summary>
/// A topic on a site's broker. On Mosquitto with dynamic security it is a publish role and a subscribe role that
/// jobs' credentials are given; without it, Create proves the broker accepts the name. On Kafka it is a topic with
/// partitions, replication factor and config, never destroyed to apply a change unless the user asked for that.
/// </summary>
public sealed class Topic(Binders binders, TypeContracts contracts)
    : CustomResource<TopicArgs, TopicState>("speck:index:Topic",
        "A topic on a site's broker that stream jobs read from or write to. Jobs sharing a topic form the pipeline's graph. " +
        "Import with `<site name>/<topic name>?tier=<edge|fog|cloud>&spe=<flink|nodered>:<engine URL>&broker=<broker URL>`: the ID carries " +
        "the `site` (credentials come from the provider's `credentials` or `SPECK_CREDENTIALS`); Kafka settings are read from the broker.",
        contracts)
{
    protected override void Validate(TopicArgs args, CheckContext check)
    {
        if (args.Site is { Broker: null } site && check.News.Get("site")?.ContainsUnknowns != true)
            check.Fail("site.broker", $"site '{site.SiteName}' has no broker: a topic goes on a site with one");
        if (args.Site?.Broker is not { } broker || args.Name is not { } name) return;
        if (binders.Broker(broker.Kind).ValidateTopicName(name) is { } problem) check.Fail("name", problem);
        else if (binders.Broker(broker.Kind).TopicNameWarning(name) is { } warning) check.Warn(warning);
        if (broker.Kind != BrokerKind.Kafka)
        {
            foreach (var (property, given) in new[] { ("partitions", args.Partitions is not null), ("replicationFactor", args.ReplicationFactor is not null),
                         ("config", args.Config is not null), ("replaceOnPartitionDecrease", args.ReplaceOnPartitionDecrease is not null) })
                if (given) check.Fail(property, $"applies to Kafka topics only; this site's broker is {broker.Kind.ToString().ToUpperInvariant()}");
            return;
        }
        if (args.Partitions is < 1) check.Fail("partitions", $"a Kafka topic needs at least 1 partition, not {args.Partitions}");
        if (args.ReplicationFactor is < 1 or > short.MaxValue)
            check.Fail("replicationFactor", $"the replication factor must be between 1 and {short.MaxValue}, not {args.ReplicationFactor}");
        foreach (var key in args.Config?.Keys ?? Enumerable.Empty<string>())
            if (key.Trim().Length == 0 || key.Any(char.IsWhiteSpace)) check.Fail("config", $"'{key}' is not a Kafka config name");
    }

    protected override void CustomizeDiff(DiffContext<TopicArgs, TopicState> diff)
    {
        // The topic lives on the broker: another broker is another topic.
        foreach (var path in new[] { "site.broker.url", "site.broker.kind" })
            if (diff.Detailed.TryGetValue(path, out var kind)) diff.Detailed[path] = kind.AsReplace();
        CredentialDiff.DropUnchanged(diff.Detailed, binders.Credentials,
            p => (CredentialDiff.SiteEndpoint(diff.OldState?.Site, p), CredentialDiff.SiteEndpoint(diff.NewArgs?.Site, p)));
        if (diff.OldState is { InSync: false }) diff.Detailed["inSync"] = DiffKind.Update;
        if (diff is { OldState: { } old, NewArgs: { Site.Broker.Kind: BrokerKind.Kafka } news }) CustomizeKafkaDiff(diff, old, news);
    }

    /// <summary>
    /// Compared with what the broker reported, not the old inputs: an omitted setting took the broker's default.
    /// Fewer partitions is refused here, in preview, unless the user opted into losing the topic's messages.
    /// </summary>
    private static void CustomizeKafkaDiff(DiffContext<TopicArgs, TopicState> diff, TopicState old, TopicArgs news)
    {
        if (!diff.IsUnknown("partitions") && news.Partitions is { } want && (old.ActualPartitions ?? old.Partitions) is { } have && want < have)
        {
            if (news.ReplaceOnPartitionDecrease != true)
                throw ProviderException.Invalid(
                    $"partitions: topic '{news.Name}' has {have} partitions and Kafka cannot remove partitions; going to {want} means deleting " +
                    $"and recreating the topic, losing its messages. Keep partitions at {have}, or set replaceOnPartitionDecrease: true to recreate it");
            diff.Detailed["partitions"] = DiffKind.UpdateReplace;
        }
        if (!diff.IsUnknown("replicationFactor") && news.ReplicationFactor is { } rf
            && (old.ActualReplicationFactor ?? old.ReplicationFactor) is { } had && rf != had)
            diff.Detailed["replicationFactor"] = DiffKind.UpdateReplace;
        // Same name on the same cluster: the old topic must go before the new one can be made.
        if (diff.Detailed.Values.Any(k => k.IsReplace()) && !diff.Detailed.ContainsKey("name")) diff.DeleteBeforeReplace = true;
    }

    protected override async Task<(string Id, TopicState State)> CreateAsync(TopicArgs args, ResourceContext ctx)
    {
        // Of the URN, not random: a create run again after a lost answer takes over the roles it made (OwnerTags).
        var owner = OwnerTags.Of(ctx.Urn);
        var record = await Binder(args).CreateTopicAsync(args.Site.Broker, new TopicRequest(args.Name, owner, KafkaSettings(args)), ctx.CancellationToken);
        foreach (var note in record.Notes) await ctx.WarnAsync(note);
        return (Id(args), State(args, record));
    }

    /// <summary>An import records the resource's own ID, without the site's whereabouts the import ID carried.</summary>
    /// <summary>Failures name the site (a partial recorded state may have none).</summary>
    protected override string? Place(TopicArgs args) => args.Site?.SiteName is { Length: > 0 } site ? $"site '{site}'" : null;

    protected override string ImportedId(string importId, TopicState state) => Id(state);

    protected override async Task<(TopicArgs Inputs, TopicState State)?> ReadAsync(string id, TopicArgs? oldInputs, TopicState? oldState, ResourceContext ctx)
    {
        var args = oldInputs ?? ImportArgs(id);
        var recorded = (oldState is null
            ? new TopicRecord(args.Name, "", null, null, [])
            : new TopicRecord(oldState.Name, oldState.OwnerTag, oldState.PublishRole, oldState.SubscribeRole, [])) with
        { Settings = KafkaSettings(args) };
        var found = await Binder(args).ReadTopicAsync(args.Site.Broker, recorded, ctx.CancellationToken);
        if (found is null) return null;
        // An imported Kafka topic's inputs are what it is, so the first `pulumi up` after import changes nothing.
        if (oldInputs is null && found.Settings is { } actual)
            args = args with { Partitions = actual.Partitions, ReplicationFactor = actual.ReplicationFactor, Config = actual.Config?.ToDictionary() };
        foreach (var d in found.Drift) await ctx.WarnAsync($"topic '{args.Name}' drifted: {d}");
        return (args, State(args, found));
    }

    protected override async Task<TopicState> UpdateAsync(string id, TopicState olds, TopicArgs news, ResourceContext ctx)
    {
        var recorded = new TopicRecord(olds.Name, olds.OwnerTag, olds.PublishRole, olds.SubscribeRole, []) { Settings = KafkaSettings(olds) };
        var record = await Binder(news).UpdateTopicAsync(news.Site.Broker, recorded, new TopicRequest(news.Name, olds.OwnerTag, KafkaSettings(news)), ctx.CancellationToken);
        foreach (var note in record.Notes) await ctx.WarnAsync(note);
        return State(news, record);
    }

    /// <summary>
    /// The endpoint is the new inputs' (jobs take it, so their preview must see what <c>up</c> gives them). Roles are
    /// named after the topic and made only where the broker has access control: known while that stays as it was.
    /// </summary>
    protected override PreviewOutputs<TopicState> PreviewUpdate(TopicState olds, TopicArgs news, Func<string, bool> isUnknown)
    {
        var unknown = new HashSet<string>();
        var rolesKnown = !isUnknown("site") && (olds.Site.Broker.AdminUsername is null) == (news.Site.Broker.AdminUsername is null);
        if (!rolesKnown) unknown.UnionWith(["publishRole", "subscribeRole"]);
        if (!rolesKnown || isUnknown("name")) unknown.Add("endpoint");
        if (isUnknown("partitions") || isUnknown("site")) unknown.Add("actualPartitions");
        var state = olds with
        {
            InSync = true, // an update restores what drifted
            ActualPartitions = news.Partitions ?? olds.ActualPartitions,
            Endpoint = unknown.Contains("endpoint") ? olds.Endpoint : Endpoint(news, olds.PublishRole, olds.SubscribeRole),
        };
        return new(state, unknown);
    }

    protected override async Task DeleteAsync(string id, TopicState olds, ResourceContext ctx)
    {
        var notes = await Binder(olds).DeleteTopicAsync(olds.Site.Broker,
            new TopicRecord(olds.Name, olds.OwnerTag, olds.PublishRole, olds.SubscribeRole, []), ctx.CancellationToken);
        foreach (var note in notes) await ctx.WarnAsync(note);
    }

    private IBrokerBinder Binder(TopicArgs args) => binders.Broker(args.Site.Broker.Kind);

    private static TopicSettings? KafkaSettings(TopicArgs args) =>
        args.Site.Broker.Kind == BrokerKind.Kafka ? new TopicSettings(args.Partitions, args.ReplicationFactor, args.Config) : null;

    private static string Id(TopicArgs args) => $"{args.Site.SiteName}/{args.Name}";

    /// <summary>
    /// <c>&lt;site name&gt;/&lt;topic name&gt;?tier=…&amp;spe=…&amp;broker=…</c> (<see cref="ImportId"/>): the ID carries the site
    /// the topic's `site` input needs, without credentials (the broker is reached with the provider's `credentials`).
    /// </summary>
    private TopicArgs ImportArgs(string id)
    {
        var parsed = ImportId.Parse(id, "<topic name>", []);
        var name = parsed.Object!;
        if (binders.Broker(parsed.Site.Broker.Kind).ValidateTopicName(name) is { } problem)
            throw ProviderException.Invalid($"import ID '{id}': {problem}");
        return new TopicArgs { Site = parsed.Site, Name = name };
    }

    private static TopicState State(TopicArgs args, TopicRecord record) => new()
    {
        Site = args.Site,
        Name = args.Name,
        Partitions = args.Partitions,
        ReplicationFactor = args.ReplicationFactor,
        Config = args.Config,
        ReplaceOnPartitionDecrease = args.ReplaceOnPartitionDecrease,
        OwnerTag = record.OwnerTag,
        PublishRole = record.PublishRole,
        SubscribeRole = record.SubscribeRole,
        ActualPartitions = record.Settings?.Partitions,
        ActualReplicationFactor = record.Settings?.ReplicationFactor,
        InSync = record.Drift.Count == 0,
        Endpoint = Endpoint(args, record.PublishRole, record.SubscribeRole),
    };

    private static TopicEndpoint Endpoint(TopicArgs args, string? publishRole, string? subscribeRole) => new()
    {
        SiteName = args.Site.SiteName,
        Broker = args.Site.Broker,
        Name = args.Name,
        PublishRole = publishRole,
        SubscribeRole = subscribeRole,
    };
}

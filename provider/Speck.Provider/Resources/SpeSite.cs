using System.ComponentModel;
using System.Text.RegularExpressions;
using Speck.Host.Resources;
using Speck.Host.Values;
using Speck.Provider.Model;
using Speck.Provider.Spe;

namespace Speck.Provider.Resources;

public record SpeSiteArgs
{
    [Description("The site's name, unique in the stack (letters, digits, `.`, `_`, `-`); defaults to the resource name. Import IDs start with it.")]
    public string? SiteName { get; init; }

    [Description("The site's tier: `edge`, `fog` or `cloud`.")]
    public required Tier Tier { get; init; }

    [Description("Free labels, e.g. region or owner.")]
    public Dictionary<string, string>? Labels { get; init; }

    // One of the two may be absent (a broker-only or an engine-only site); see SiteConnection.
    [Description("The site's stream processing engine; omit for a site with only a broker. A site has an engine, a broker or both.")]
    public SpeEndpoint Spe { get; init; } = null!;

    [Description("The site's message broker; omit for a site with only an engine. A site has an engine, a broker or both.")]
    public BrokerEndpoint Broker { get; init; } = null!;
}

public sealed record SpeSiteState : SpeSiteArgs
{
    [Description("The engine's version as it reports it.")]
    public required string SpeVersion { get; init; }

    [Description("Whether the engine answered the last probe.")]
    public required bool SpeReachable { get; init; }

    [Description("The broker's version, where the broker tells it.")]
    public string? BrokerVersion { get; init; }

    [Description("Whether the broker answered the last probe.")]
    public required bool BrokerReachable { get; init; }

    [Description("Whether topics on this site get access-control roles (Mosquitto dynamic security).")]
    public required bool AccessControl { get; init; }

    [Description("What topics and jobs need to reach this site, as one JSON string: pass it as their `site` (`${mySite.connection}`; `Site = mySite.Connection` in C#). It holds the credentials the site was given, so it is secret when they are; with credentials from `speck:credentials` it is not.")]
    public required SiteConnection Connection { get; init; }
}

/// <summary>
/// A site registers an engine and a broker. Nothing is created on either: Create and Read probe both and record
/// what they learn, so a refresh shows a site that went away or was upgraded.
/// </summary>
public sealed partial class SpeSite(Binders binders, TypeContracts contracts)
    : CustomResource<SpeSiteArgs, SpeSiteState>("speck:index:SpeSite",
        "A fog site: a stream processing engine (Flink or Node-RED) and a message broker (MQTT or Kafka) that topics and jobs are placed on. " +
        "Import with `<site name>?tier=<edge|fog|cloud>&spe=<flink|nodered>:<engine URL>&broker=<broker URL>`: the ID carries the site, " +
        "credentials come from the provider's `credentials` (or `SPECK_CREDENTIALS`), so the imported inputs hold none; `labels` are not learnable.",
        contracts)
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")]
    private static partial Regex SiteNamePattern();

    /// <summary>
    /// An unset siteName is the resource's name when the site is made, and stays what it was after: a site renamed with
    /// an alias (docs/pulumi-engine.md §Aliases) keeps its siteName, so neither it nor its topics and jobs change.
    /// </summary>
    protected override PropertyMap ApplyDefaults(PropertyMap news, PropertyMap olds, ResourceContext ctx) =>
        news.Get("siteName") is null ? news.With("siteName", olds.Get("siteName") is { Kind: PropertyKind.String } old ? old : PropertyValue.Of(ctx.Name)) : news;

    protected override void Validate(SpeSiteArgs args, CheckContext check)
    {
        if (args.SiteName is { } name && !SiteNamePattern().IsMatch(name))
            check.Fail("siteName", $"'{name}' is not a valid site name: use 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit");
        if (args.Spe is null && args.Broker is null && check.News.Get("spe") is null && check.News.Get("broker") is null)
            check.Fail("spe", "a site needs an engine (`spe`), a broker (`broker`) or both");
        if (args.Spe is { } spe) ValidateSpe(spe, check);
        if (args.Broker is { } broker) ValidateBroker(broker, check);
    }

    private static void ValidateSpe(SpeEndpoint spe, CheckContext check)
    {
        if (spe.Url is { } url && HttpUrlProblem(url) is { } problem) check.Fail("spe.url", problem);
        if (spe.Token is not null && (spe.Username is not null || spe.Password is not null))
            check.Fail("spe.token", "give either a token or a username and password, not both");
        if ((spe.Username is null) != (spe.Password is null) && !check.News.AsValue().ContainsUnknowns)
            check.Fail(spe.Username is null ? "spe.username" : "spe.password", "username and password go together");
    }

    private void ValidateBroker(BrokerEndpoint broker, CheckContext check)
    {
        if (broker.Url is { } url && binders.Broker(broker.Kind).ValidateUrl(url) is { } problem) check.Fail("broker.url", problem);
        if (broker.Password is not null && broker.Username is null)
            check.Fail("broker.username", "a password needs a username");
        if ((broker.AdminUsername is null) != (broker.AdminPassword is null) && !check.News.AsValue().ContainsUnknowns)
            check.Fail(broker.AdminUsername is null ? "broker.adminUsername" : "broker.adminPassword", "adminUsername and adminPassword go together");
        if (broker.Kind == BrokerKind.Kafka && broker.AdminUsername is not null)
            check.Fail("broker.adminUsername", "dynamic-security admin credentials apply to MQTT brokers only");
    }

    internal static string? HttpUrlProblem(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == "http" || u.Scheme == "https") && u.Host.Length > 0
            ? null
            : $"'{url}' is not an http:// or https:// URL";

    protected override async Task<(string Id, SpeSiteState State)> CreateAsync(SpeSiteArgs args, ResourceContext ctx)
    {
        var state = await ProbeAsync(args, ctx, failIfDown: true);
        return (state.Connection.SiteName, state);
    }

    /// <summary>An import records the resource's own ID, without the site's whereabouts the import ID carried.</summary>
    protected override string ImportedId(string importId, SpeSiteState state) => state.Connection.SiteName;

    protected override async Task<(SpeSiteArgs Inputs, SpeSiteState State)?> ReadAsync(string id, SpeSiteArgs? oldInputs, SpeSiteState? oldState, ResourceContext ctx)
    {
        // A site is a registration, not a thing on the engine: an import ID carries it whole, credentials aside (they
        // come from `speck:credentials`, so the inputs, and the code `pulumi import` writes from them, hold none: a
        // secret input is printed there as plain text, hcl2.go:1010-1024 (pulumi v3.259.0), see docs/import.md §Import codegen).
        var args = oldInputs ?? ImportArgs(id);
        var state = await ProbeAsync(args, ctx, failIfDown: false);
        return (args, state);
    }

    protected override Task<SpeSiteState> UpdateAsync(string id, SpeSiteState olds, SpeSiteArgs news, ResourceContext ctx) =>
        ProbeAsync(news, ctx, failIfDown: true);

    protected override Task DeleteAsync(string id, SpeSiteState olds, ResourceContext ctx) => Task.CompletedTask;

    /// <summary>
    /// The connection is the new inputs' (topics and jobs take it, so their preview must see what <c>up</c> gives
    /// them); what a probe learns is kept only where the endpoint probed stays the same.
    /// </summary>
    protected override PreviewOutputs<SpeSiteState> PreviewUpdate(SpeSiteState olds, SpeSiteArgs news, Func<string, bool> isUnknown)
    {
        var unknown = new HashSet<string>();
        if (isUnknown("spe") || olds.Spe != news.Spe) unknown.Add("speVersion");
        if (isUnknown("broker") || olds.Broker != news.Broker) unknown.UnionWith(["brokerVersion", "accessControl"]);
        if (new[] { "siteName", "tier", "spe", "broker" }.Any(isUnknown)) unknown.Add("connection");
        // An update that cannot reach both endpoints fails, so after it both answered.
        var state = olds with { SpeReachable = news.Spe is not null, BrokerReachable = news.Broker is not null, Connection = unknown.Contains("connection") ? olds.Connection : Connection(news, olds.Connection.SiteName) };
        return new(state, unknown);
    }

    private async Task<SpeSiteState> ProbeAsync(SpeSiteArgs args, ResourceContext ctx, bool failIfDown)
    {
        using var deadline = ctx.Deadline(binders.Config.ProbeTimeout());
        var siteName = args.SiteName ?? ctx.Name;
        // An endpoint the site does not have is not probed: its reachable flag stays false, its version unset.
        var speTask = args.Spe is null ? Task.FromResult<(SpeProbe?, string?)>((null, null)) : Try(() => binders.Spe(args.Spe.Kind).ProbeAsync(args.Spe, deadline.Token));
        var brokerTask = args.Broker is null ? Task.FromResult<(Brokers.BrokerProbe?, string?)>((null, null)) : Try(() => binders.Broker(args.Broker.Kind).ProbeAsync(args.Broker, deadline.Token));
        var (spe, speError) = await speTask;
        var (broker, brokerError) = await brokerTask;

        var problems = new[] { speError, brokerError }.OfType<string>().ToList();
        if (problems.Count > 0)
        {
            var text = $"site '{siteName}': {string.Join("; ", problems)}";
            if (failIfDown) throw ProviderException.Unavailable(text);
            await ctx.WarnAsync(text);
        }
        var state = new SpeSiteState
        {
            SiteName = siteName,
            Tier = args.Tier,
            Labels = args.Labels,
            Spe = args.Spe!, // absent on an engine-less site (see SiteConnection)
            Broker = args.Broker!,
            SpeVersion = spe?.Version ?? (args.Spe is null ? "none" : "unreachable"),
            SpeReachable = spe is not null,
            BrokerVersion = broker?.Version,
            BrokerReachable = broker is not null,
            AccessControl = broker?.AccessControl ?? false,
            Connection = Connection(args, siteName),
        };
        return state;
    }

    /// <summary><c>&lt;site name&gt;?tier=…&amp;spe=…&amp;broker=…</c> (<see cref="ImportId"/>); labels are not learnable and stay unset.</summary>
    private static SpeSiteArgs ImportArgs(string id)
    {
        var site = ImportId.Parse(id, "", []).Site;
        if (!SiteNamePattern().IsMatch(site.SiteName))
            throw ProviderException.Invalid($"import ID '{id}': '{site.SiteName}' is not a valid site name");
        return new SpeSiteArgs { SiteName = site.SiteName, Tier = site.Tier, Spe = site.Spe, Broker = site.Broker };
    }

    private static SiteConnection Connection(SpeSiteArgs args, string defaultName) =>
        new() { SiteName = args.SiteName ?? defaultName, Tier = args.Tier, Spe = args.Spe, Broker = args.Broker };

    private static async Task<(T? Value, string? Error)> Try<T>(Func<Task<T>> probe) where T : class
    {
        try { return (await probe(), null); }
        catch (EndpointUnreachableException e) { return (null, e.Message); }
    }
}

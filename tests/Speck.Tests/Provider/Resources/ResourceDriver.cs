using System.Collections.Concurrent;
using Speck.Host.Resources;
using Speck.Host.Values;
using Speck.Provider;

namespace Speck.Tests.Provider.Resources;

/// <summary>
/// Drives a provider's resources in-process through the same handler interface the gRPC service uses, with the
/// engine's call order (Check, then Create/Read/Diff/Update/Delete), recording what the provider logs.
/// </summary>
public sealed class ResourceDriver
{
    public ResourceDriver() : this(SpeckFactory.Create()) { }

    /// <summary>Drives a provider wired with other binders (e.g. an in-memory Kafka admin).</summary>
    public ResourceDriver(SpeckProvider provider) => Provider = provider;

    public SpeckProvider Provider { get; }
    public ConcurrentQueue<(MessageSeverity Level, string Message, string? Urn)> Logs { get; } = new();
    /// <summary>The ephemeral status lines, apart from <see cref="Logs"/> as the engine keeps them apart.</summary>
    public ConcurrentQueue<(string Message, string? Urn)> StatusLines { get; } = new();
    /// <summary>When status lines start and how often they renew, for contexts this driver makes.</summary>
    public TimeSpan StatusAfter { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan StatusEvery { get; set; } = TimeSpan.FromSeconds(2);

    private sealed class Log(ResourceDriver d) : IEngineLog
    {
        public Task LogAsync(MessageSeverity level, string message, string? urn, CancellationToken ct = default)
        {
            d.Logs.Enqueue((level, message, urn));
            return Task.CompletedTask;
        }

        public Task StatusAsync(string message, string? urn, CancellationToken ct = default)
        {
            d.StatusLines.Enqueue((message, urn));
            return Task.CompletedTask;
        }
    }

    public ResourceContext Context(string type, string name, string id = "", bool preview = false) => new()
    {
        Urn = $"urn:pulumi:test::speck::{type}::{name}",
        Name = name,
        Type = type,
        Id = id,
        Preview = preview,
        Log = new Log(this),
        StatusAfter = StatusAfter,
        StatusEvery = StatusEvery,
    };

    public IResourceHandler Handler(string type) => Provider.Find(type)!;

    public async Task<PropertyMap> CheckAsync(string type, string name, PropertyMap news)
    {
        var r = await Handler(type).CheckAsync(Context(type, name), PropertyMap.Empty, news);
        Assert.True(r.Failures.Count == 0, string.Join("; ", r.Failures.Select(f => $"{f.Property}: {f.Reason}")));
        return r.Inputs;
    }

    public async Task<(PropertyMap Inputs, CreateOutcome Created)> CreateAsync(string type, string name, PropertyMap news)
    {
        var inputs = await CheckAsync(type, name, news);
        return (inputs, await Handler(type).CreateAsync(Context(type, name), inputs));
    }

    public static PropertyValue S(string s) => PropertyValue.Of(s);

    /// <summary>The object a wired output or input holds (a site's `connection`, a topic's `endpoint`; secret or not).</summary>
    public static System.Collections.Immutable.ImmutableSortedDictionary<string, PropertyValue> Unwired(PropertyValue v) =>
        (WiredStrings.ParseObject(v.Unwrapped.AsString) ?? throw new Xunit.Sdk.XunitException($"not a wired JSON object: {v}")).AsObject;
    public static PropertyValue Obj(params (string Key, PropertyValue Value)[] f) => PropertyValue.Of(f.Select(x => KeyValuePair.Create(x.Key, x.Value)));
    public static PropertyMap Map(params (string Key, PropertyValue Value)[] f) => new(f.Select(x => KeyValuePair.Create(x.Key, x.Value)));
}

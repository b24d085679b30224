using Speck.Host;
using Speck.Host.Resources;
using Speck.Host.Values;

namespace Speck.Tests.Host;

/// <summary>
/// Outputs repeat the inputs (pulumi-yaml type-checks <c>${res.prop}</c> against the schema's output properties);
/// state that an earlier version recorded without them still reads whole; a preview Update answers outputs that
/// derive from the new inputs, or unknown.
/// </summary>
[Trait("Category", "Unit")]
public sealed class OutputsRepeatInputsTests
{
    /// <summary>Deploys things; an update whose size is negative "fails" and keeps the old version running.</summary>
    private sealed class Thing(TypeContracts contracts) : CustomResource<ThingArgs, ThingState>("test:index:Thing", "A thing.", contracts)
    {
        public List<ThingState> Seen { get; } = [];

        /// <summary>"computed" derives from the size: known in preview unless the new size is unknown.</summary>
        protected override PreviewOutputs<ThingState> PreviewUpdate(ThingState olds, ThingArgs news, Func<string, bool> isUnknown) =>
            new(olds with { Computed = $"size {news.Size}" }, isUnknown("size") ? new HashSet<string> { "computed" } : []);

        protected override Task<(string Id, ThingState State)> CreateAsync(ThingArgs args, ResourceContext ctx) =>
            Task.FromResult(("t1", State(args, "v1")));

        protected override Task<(ThingArgs Inputs, ThingState State)?> ReadAsync(string id, ThingArgs? i, ThingState? s, ResourceContext ctx)
        {
            Seen.Add(s!);
            return Task.FromResult<(ThingArgs, ThingState)?>((i!, s!));
        }

        protected override Task<ThingState> UpdateAsync(string id, ThingState olds, ThingArgs news, ResourceContext ctx)
        {
            Seen.Add(olds);
            if (news.Size < 0) throw new ResourceInitFailedException(id, olds with { Computed = olds.Computed + "-kept" }, ["the new version did not start"]);
            return Task.FromResult(State(news, olds.Computed + "+1"));
        }

        protected override Task DeleteAsync(string id, ThingState olds, ResourceContext ctx)
        {
            Seen.Add(olds);
            return Task.CompletedTask;
        }

        private static ThingState State(ThingArgs a, string computed) => new()
        {
            Name = a.Name, Size = a.Size, Color = a.Color, Labels = a.Labels, Endpoint = a.Endpoint, Tags = a.Tags, Computed = computed,
        };
    }

    private sealed class NoLog : IEngineLog
    {
        public Task LogAsync(MessageSeverity level, string message, string? urn, CancellationToken ct = default) => Task.CompletedTask;
        public Task StatusAsync(string message, string? urn, CancellationToken ct = default) => Task.CompletedTask;
    }

    private static readonly ResourceContext Ctx = new() { Urn = "urn:pulumi:dev::p::test:index:Thing::t", Name = "t", Type = "test:index:Thing", Id = "t1", Log = new NoLog() };

    private static readonly ResourceContext PreviewCtx = new() { Urn = Ctx.Urn, Name = "t", Type = Ctx.Type, Id = "t1", Log = new NoLog(), Preview = true };

    private static PropertyMap Inputs(int size) => new([
        KeyValuePair.Create("name", PropertyValue.Of("t")),
        KeyValuePair.Create("size", PropertyValue.Of(size)),
        KeyValuePair.Create("endpoint", PropertyValue.Of([
            KeyValuePair.Create("url", PropertyValue.Of("http://x")),
            KeyValuePair.Create("password", PropertyValue.MakeSecret(PropertyValue.Of("pw"))),
        ])),
    ]);

    [Fact]
    public async Task Outputs_repeat_the_inputs_with_their_secrets_and_the_schema_says_so()
    {
        var thing = new Thing(TestContracts.Create());
        var created = await thing.CreateAsync(Ctx, Inputs(1));

        Assert.Equal(["computed", "endpoint", "name", "size"], created.Outputs.Keys.Order(StringComparer.Ordinal));
        Assert.True(created.Outputs["endpoint"].AsObject["password"].IsSecret);
        Assert.Equal(thing.Inputs.Properties.Select(p => p.Name).Append("computed").Order(StringComparer.Ordinal),
            thing.Outputs.Properties.Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task When_what_runs_is_not_what_the_inputs_ask_the_outputs_say_what_runs()
    {
        var thing = new Thing(TestContracts.Create());
        var outputs = (await thing.CreateAsync(Ctx, Inputs(1))).Outputs;

        // The engine records the new inputs (size -1) with these outputs, which describe the version still running.
        var failure = await Assert.ThrowsAsync<InitFailure>(() => thing.UpdateAsync(Ctx, outputs, Inputs(1), Inputs(-1)));
        Assert.Equal(1, failure.Properties["size"].AsNumber);
        Assert.True(failure.Properties["endpoint"].AsObject["password"].IsSecret);

        await thing.DeleteAsync(Ctx, failure.Properties, Inputs(-1));
        Assert.Equal(1, thing.Seen[^1].Size);
        Assert.Equal("v1-kept", thing.Seen[^1].Computed);
    }

    [Fact]
    public async Task State_recorded_without_inputs_in_the_outputs_is_joined_with_the_recorded_inputs()
    {
        var thing = new Thing(TestContracts.Create());
        var older = new PropertyMap([KeyValuePair.Create("computed", PropertyValue.Of("v0"))]);

        var updated = await thing.UpdateAsync(Ctx, older, Inputs(1), Inputs(3));
        await thing.DeleteAsync(Ctx, older, Inputs(1));

        Assert.Equal([1, 1], thing.Seen.Select(s => s.Size));
        Assert.All(thing.Seen, s => Assert.Equal("pw", s.Endpoint.Password));
        Assert.Equal("v0+1", updated["computed"].AsString);
        Assert.Equal(3, updated["size"].AsNumber);
    }

    [Fact]
    public async Task A_preview_update_answers_the_new_inputs_and_outputs_computed_from_them()
    {
        var thing = new Thing(TestContracts.Create());
        var outputs = (await thing.CreateAsync(Ctx, Inputs(1))).Outputs;

        var planned = await thing.UpdateAsync(PreviewCtx, outputs, Inputs(1), Inputs(2));

        Assert.Equal("size 2", planned["computed"].AsString);
        Assert.Equal(2, planned["size"].AsNumber);
        Assert.True(planned["endpoint"].AsObject["password"].IsSecret);
        Assert.Empty(thing.Seen);
    }

    [Fact]
    public async Task A_preview_update_answers_unknown_for_outputs_that_derive_from_unknown_inputs()
    {
        var thing = new Thing(TestContracts.Create());
        var outputs = (await thing.CreateAsync(Ctx, Inputs(1))).Outputs;

        var planned = await thing.UpdateAsync(PreviewCtx, outputs, Inputs(1), Inputs(1).With("size", PropertyValue.Unknown));

        Assert.True(planned["computed"].IsUnknown);
        Assert.True(planned["size"].IsUnknown);
    }
}

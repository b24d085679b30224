using Speck.Host;
using Speck.Host.Resources;
using Speck.Host.Values;

namespace Speck.Tests.Host;

/// <summary>
/// A resource whose outputs do not repeat its inputs: the state records each input once, and every call still sees
/// the whole resource, joined from the recorded outputs and the inputs the engine hands back.
/// </summary>
public sealed class OutputsWithoutInputsTests
{
    /// <summary>Deploys things; an update whose size is negative "fails" and keeps the old version running.</summary>
    private sealed class Thing(TypeContracts contracts) : CustomResource<ThingArgs, ThingState>("test:index:Thing", "A thing.", contracts, outputsRepeatInputs: false)
    {
        public List<ThingState> Seen { get; } = [];

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
        public Task LogAsync(LogLevel level, string message, string? urn, CancellationToken ct = default) => Task.CompletedTask;
    }

    private static readonly ResourceContext Ctx = new() { Urn = "urn:pulumi:dev::p::test:index:Thing::t", Name = "t", Type = "test:index:Thing", Id = "t1", Log = new NoLog() };

    private static PropertyMap Inputs(int size) => new([
        KeyValuePair.Create("name", PropertyValue.Of("t")),
        KeyValuePair.Create("size", PropertyValue.Of(size)),
        KeyValuePair.Create("endpoint", PropertyValue.Of([
            KeyValuePair.Create("url", PropertyValue.Of("http://x")),
            KeyValuePair.Create("password", PropertyValue.MakeSecret(PropertyValue.Of("pw"))),
        ])),
    ]);

    [Fact]
    public async Task Outputs_hold_what_the_provider_learned_and_the_schema_says_so()
    {
        var thing = new Thing(TestContracts.Create());
        var created = await thing.CreateAsync(Ctx, Inputs(1));

        Assert.Equal(["computed"], created.Outputs.Keys);
        Assert.Equal(["computed"], thing.Outputs.Properties.Select(p => p.Name));
        Assert.Contains(thing.Inputs.Properties, p => p.Name == "endpoint");
    }

    [Fact]
    public async Task Update_read_and_delete_see_the_whole_resource_joined_from_outputs_and_recorded_inputs()
    {
        var thing = new Thing(TestContracts.Create());
        var outputs = (await thing.CreateAsync(Ctx, Inputs(1))).Outputs;

        var updated = await thing.UpdateAsync(Ctx, outputs, Inputs(1), Inputs(2));
        await thing.ReadAsync(Ctx, updated, Inputs(2));
        await thing.DeleteAsync(Ctx, updated, Inputs(2));

        Assert.Equal([1, 2, 2], thing.Seen.Select(s => s.Size));
        Assert.Equal(["v1", "v1+1", "v1+1"], thing.Seen.Select(s => s.Computed));
        Assert.All(thing.Seen, s => Assert.Equal("pw", s.Endpoint.Password));
        Assert.Equal(["computed"], updated.Keys);
    }

    [Fact]
    public async Task When_what_runs_is_not_what_the_inputs_ask_the_outputs_are_a_complete_record()
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
    public async Task Outputs_recorded_while_they_repeated_the_inputs_read_the_same()
    {
        var thing = new Thing(TestContracts.Create());
        var older = new PropertyMap(Inputs(1).Append(KeyValuePair.Create("computed", PropertyValue.Of("v0"))));

        var updated = await thing.UpdateAsync(Ctx, older, Inputs(1), Inputs(3));

        Assert.Equal(1, thing.Seen[^1].Size);
        Assert.Equal(["computed"], updated.Keys);
        Assert.Equal("v0+1", updated["computed"].AsString);
    }

    [Fact]
    public async Task A_delete_without_recorded_inputs_is_refused_before_anything_is_touched()
    {
        var thing = new Thing(TestContracts.Create());
        var outputs = (await thing.CreateAsync(Ctx, Inputs(1))).Outputs;

        var e = await Assert.ThrowsAsync<ProviderException>(() => thing.DeleteAsync(Ctx, outputs, PropertyMap.Empty));

        Assert.Contains("old inputs", e.Message);
        Assert.Empty(thing.Seen);
    }
}

using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Pulumirpc;
using Speck.Host;
using Speck.Host.Grpc;
using Speck.Host.Resources;
using Speck.Host.Schema;
using Speck.Host.Values;

namespace Speck.Tests.Host;

/// <summary>
/// Every request gets a clear answer: malformed input is InvalidArgument (or a Check failure) naming the property,
/// partial recorded state is FailedPrecondition naming what is missing, and no message grows past what fits an
/// HTTP/2 header. Each case here was found by tests/wire/fuzz.js answering UNKNOWN or INTERNAL.
/// </summary>
[Trait("Category", "Unit")]
public sealed class FunnelTests
{
    private const string Urn = "urn:pulumi:dev::p::test:index:Thing::t";

    /// <summary>Reads its recorded state as real resources do: without a null check on what every Thing has.</summary>
    private sealed class Thing(TypeContracts contracts) : CustomResource<ThingArgs, ThingState>("test:index:Thing", "A thing.", contracts)
    {
        protected override Task<(string Id, ThingState State)> CreateAsync(ThingArgs args, ResourceContext ctx) =>
            Task.FromResult((args.Name, new ThingState { Name = args.Name, Endpoint = args.Endpoint, Computed = args.Endpoint.Url.ToUpperInvariant() }));
        protected override Task<(ThingArgs Inputs, ThingState State)?> ReadAsync(string id, ThingArgs? i, ThingState? s, ResourceContext ctx) =>
            Task.FromResult<(ThingArgs, ThingState)?>((i!, s! with { Computed = i!.Endpoint.Url + s.Endpoint.Url }));
        protected override Task<ThingState> UpdateAsync(string id, ThingState olds, ThingArgs news, ResourceContext ctx) =>
            Task.FromResult(olds with { Computed = news.Endpoint.Url + olds.Endpoint.Url });
        protected override Task DeleteAsync(string id, ThingState olds, ResourceContext ctx) => Task.FromResult(olds.Endpoint.Url.Length);
    }

    private sealed class TestProvider : ProviderDefinition
    {
        public TestProvider()
        {
            Contracts = TestContracts.Create();
            Resources = [new Thing(Contracts)];
            ConfigShape = Contracts.Shapes.Object(typeof(TestConfig), "pulumi:providers:test");
        }

        public TestConfig? Configured { get; private set; }
        public override PackageInfo Package { get; } = new("test", "0.0.1", "Test", "Test.", [], "", "", "Apache-2.0", "test");
        public override TypeContracts Contracts { get; }
        public override ObjectShape ConfigShape { get; }
        public override IReadOnlyList<IResourceHandler> Resources { get; }
        public override Task ConfigureAsync(PropertyMap config, CancellationToken ct)
        {
            Configured = TypedBridge.Decode(config, Contracts.Strict<TestConfig>());
            return Task.CompletedTask;
        }
    }

    private readonly TestProvider _provider = new();
    private readonly ResourceProviderService _service;
    private readonly EngineLog _log = new();

    public FunnelTests() => _service = new ResourceProviderService(_provider, _log, new ProviderLifetime());

    private static Value Signed(Value sig, params (string, Value)[] fields)
    {
        var s = new Struct { Fields = { [Sentinels.SigKey] = sig } };
        foreach (var (k, v) in fields) s.Fields[k] = v;
        return Value.ForStruct(s);
    }

    private static Value Obj(params (string Key, Value Value)[] fields)
    {
        var s = new Struct();
        foreach (var (k, v) in fields) s.Fields[k] = v;
        return Value.ForStruct(s);
    }

    private static Struct Inputs(params (string Key, Value Value)[] extra)
    {
        var s = new Struct
        {
            Fields =
            {
                ["name"] = Value.ForString("t"),
                ["endpoint"] = Obj(("url", Value.ForString("http://x"))),
            },
        };
        foreach (var (k, v) in extra) s.Fields[k] = v;
        return s;
    }

    private static async Task<RpcException> Refused<T>(Func<ServerCallContext, Task<T>> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => call(new TestCallContext()));
        Assert.NotEqual(StatusCode.Unknown, e.StatusCode);
        Assert.NotEqual(StatusCode.Internal, e.StatusCode);
        return e;
    }

    [Fact]
    public async Task An_unrecognised_signature_is_a_check_failure_naming_the_property()
    {
        var news = Inputs(("labels", Obj(("a", Signed(Value.ForString("nope"), ("value", Value.ForString("x")))))));
        var r = await _service.Check(new CheckRequest { Urn = Urn, News = news, Olds = new Struct() }, new TestCallContext());
        var f = Assert.Single(r.Failures);
        Assert.Equal("labels.a", f.Property);
        Assert.Contains("unrecognised Pulumi value signature 'nope'", f.Reason);
    }

    [Fact]
    public async Task A_signature_that_is_not_a_string_is_invalid_argument_from_diff_naming_the_path()
    {
        var news = Inputs(("tags", Value.ForList(Value.ForString("a"), Signed(Value.ForNumber(1)))));
        var e = await Refused(c => _service.Diff(new DiffRequest { Urn = Urn, Id = "t", News = news, Olds = Inputs(), OldInputs = Inputs() }, c));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("'tags[1]'", e.Status.Detail);
        Assert.Contains("must be a string, got a number", e.Status.Detail);
    }

    [Fact]
    public async Task CheckConfig_and_DiffConfig_answer_a_malformed_value_by_name()
    {
        var bad = new Struct { Fields = { ["prefix"] = Signed(Value.ForString("zz")) } };
        var r = await _service.CheckConfig(new CheckRequest { Urn = "urn:pulumi:dev::p::pulumi:providers:test::default", News = bad }, new TestCallContext());
        Assert.Equal("prefix", Assert.Single(r.Failures).Property);
        var e = await Refused(c => _service.DiffConfig(new DiffRequest { News = bad, Olds = new Struct() }, c));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("'prefix'", e.Status.Detail);
    }

    [Theory]
    [InlineData(-5.0, "out of range")]
    [InlineData(1e308, "out of range")]
    [InlineData(double.NaN, "finite")]
    [InlineData(double.PositiveInfinity, "finite")]
    [InlineData(1.5, "integer")]
    public async Task Config_out_of_range_fails_CheckConfig_and_Configure_naming_the_key(double value, string reason)
    {
        var news = new Struct { Fields = { ["timeoutSeconds"] = Value.ForNumber(value) } };
        var r = await _service.CheckConfig(new CheckRequest { News = news }, new TestCallContext());
        var f = Assert.Single(r.Failures);
        Assert.Equal("timeoutSeconds", f.Property);
        Assert.Contains(reason, f.Reason);
        var e = await Refused(c => _service.Configure(new ConfigureRequest { Args = news }, c));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("timeoutSeconds", e.Status.Detail);
        Assert.Null(_provider.Configured);
    }

    [Fact]
    public async Task Configure_reads_string_config_as_CheckConfig_does_and_refuses_a_wrong_type()
    {
        await _service.Configure(new ConfigureRequest { Args = new Struct { Fields = { ["timeoutSeconds"] = Value.ForString("30") } } }, new TestCallContext());
        Assert.Equal(30, _provider.Configured!.TimeoutSeconds);
        var e = await Refused(c => _service.Configure(new ConfigureRequest { Args = new Struct { Fields = { ["timeoutSeconds"] = Value.ForList() } } }, c));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("timeoutSeconds: expected an integer", e.Status.Detail);
    }

    [Fact]
    public void A_stated_range_is_in_the_schema_description()
    {
        var schema = JsonDocument.Parse(SchemaGenerator.Generate(_provider)).RootElement;
        Assert.EndsWith("Must be a value from 1 to 3600.", schema.GetProperty("config").GetProperty("variables").GetProperty("timeoutSeconds").GetProperty("description").GetString());
    }

    [Fact]
    public async Task Delete_and_Read_of_partial_state_name_what_is_missing()
    {
        var partial = new Struct { Fields = { ["name"] = Value.ForString("t"), ["computed"] = Value.ForString("X") } };
        var e = await Refused(c => _service.Delete(new DeleteRequest { Urn = Urn, Id = "t", Properties = partial }, c));
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Contains("the recorded state has no 'endpoint'", e.Status.Detail);

        // Partial recorded inputs beside complete outputs: Read acts on both.
        e = await Refused(c => _service.Read(new ReadRequest { Urn = Urn, Id = "t", Properties = Inputs(("computed", Value.ForString("X"))), Inputs = partial }, c));
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Contains("the recorded state has no 'endpoint'", e.Status.Detail);

        var unknownUrl = Inputs(("computed", Value.ForString("X")));
        unknownUrl.Fields["endpoint"] = Obj(("url", Value.ForString(Sentinels.Unknown)));
        e = await Refused(c => _service.Read(new ReadRequest { Urn = Urn, Id = "t", Properties = unknownUrl, Inputs = Inputs() }, c));
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Contains("unknown value at 'endpoint.url'", e.Status.Detail);
    }

    [Fact]
    public async Task Recorded_state_with_a_value_of_another_kind_is_refused_by_name()
    {
        var asset = Signed(Value.ForString(Sentinels.AssetSig), ("path", Value.ForString("x")));
        var state = Inputs(("computed", Value.ForString("X")));
        state.Fields["endpoint"] = asset;
        var e = await Refused(c => _service.Delete(new DeleteRequest { Urn = Urn, Id = "t", Properties = state }, c));
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Contains("the recorded state's 'endpoint' does not fit the schema: expected an object", e.Status.Detail);
        e = await Refused(c => _service.Update(new UpdateRequest { Urn = Urn, Id = "t", Olds = state, News = Inputs() }, c));
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        // System.Text.Json would read "5" as a member of the enum the resource code knows none of.
        var oddColor = Inputs(("computed", Value.ForString("X")), ("color", Value.ForString("5")));
        e = await Refused(c => _service.Read(new ReadRequest { Urn = Urn, Id = "t", Properties = oddColor, Inputs = Inputs() }, c));
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Contains("'color' does not fit the schema: '5' is not allowed", e.Status.Detail);
        // A preview answers what it can rather than fail: the learned outputs are unknown.
        var preview = await _service.Update(new UpdateRequest { Urn = Urn, Id = "t", Olds = state, News = Inputs(), Preview = true }, new TestCallContext());
        Assert.Equal(Sentinels.Unknown, preview.Properties.Fields["computed"].StringValue);
    }

    [Fact]
    public async Task Update_with_inputs_that_never_passed_Check_is_invalid_argument_naming_the_property()
    {
        var news = Inputs(("size", Value.ForNumber(double.NaN)));
        var e = await Refused(c => _service.Update(new UpdateRequest { Urn = Urn, Id = "t", Olds = Inputs(("computed", Value.ForString("X"))), News = news, Preview = true }, c));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("'size'", e.Status.Detail);
        Assert.Contains("finite", e.Status.Detail);

        var nullTag = Inputs(("tags", Value.ForList(Value.ForNull())));
        var r = await _service.Check(new CheckRequest { Urn = Urn, News = nullTag }, new TestCallContext());
        Assert.Equal("tags[0]", Assert.Single(r.Failures).Property);
    }

    [Fact]
    public async Task A_property_with_an_empty_key_is_named_quoted()
    {
        var r = await _service.Check(new CheckRequest { Urn = Urn, News = Inputs(("", Value.ForNumber(1))) }, new TestCallContext());
        Assert.Equal("[\"\"]", Assert.Single(r.Failures).Property);
    }

    [Fact]
    public async Task Error_messages_never_echo_a_whole_huge_URN_or_type()
    {
        var huge = new string('x', 200_000);
        var e = await Refused(c => _service.Create(new CreateRequest { Urn = $"urn:pulumi:dev::p::{huge}::{huge}", Properties = Inputs() }, c));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.True(e.Status.Detail.Length < 4096, $"{e.Status.Detail.Length} characters");
        Assert.Contains("…", e.Status.Detail);
        Assert.True(Excerpt.StatusMessage(new string('\u4e2d', 100_000)).Length < 4096 / 9 + 40);
    }

    [Fact]
    public async Task A_malformed_engine_address_is_invalid_argument()
    {
        var e = await Refused(c => _service.Handshake(new ProviderHandshakeRequest { EngineAddress = "http://[::1" }, c));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
    }

    [Fact]
    public void Values_deeper_than_the_provider_reads_are_refused_by_path_and_shallower_ones_decode()
    {
        static Value Nest(int depth)
        {
            var v = Value.ForString("bottom");
            for (var i = 0; i < depth - 1; i++) v = i % 2 == 0 ? Obj(("k", v)) : Value.ForList(v);
            return v;
        }
        var ok = StructCodec.Decode(new Struct { Fields = { ["labels"] = Nest(StructCodec.MaxDepth) } });
        Assert.Equal(PropertyKind.Object, ok["labels"].Kind);
        var e = Assert.Throws<InvalidValueException>(() => StructCodec.Decode(new Struct { Fields = { ["labels"] = Nest(StructCodec.MaxDepth + 1) } }));
        Assert.StartsWith("labels", e.Path);
        Assert.Contains("k[0].k[0]", e.Path);
        Assert.Contains($"at most {StructCodec.MaxDepth}", e.Reason);
    }

    [Fact]
    public void Requests_deeper_than_protobufs_default_limit_parse_up_to_the_engines_limit()
    {
        static ByteString Request(int objects)
        {
            var v = Value.ForString("bottom");
            for (var i = 0; i < objects; i++) v = Obj(("k", v));
            // Serializing is as recursive as parsing: on a thread with room for it.
            ByteString? bytes = null;
            var t = new Thread(() => bytes = new CheckRequest { Urn = Urn, News = new Struct { Fields = { ["labels"] = v } } }.ToByteString(), 256 * 1024 * 1024);
            t.Start();
            t.Join();
            return bytes!;
        }
        // Each object is three protobuf messages (Value, Struct, map entry): 40 objects pass 100, 3,000 stay under 10,000.
        Assert.Throws<InvalidProtocolBufferException>(() => CheckRequest.Parser.ParseFrom(Request(40)));
        var parsed = (CheckRequest)DeepMessages.Parse(new System.Buffers.ReadOnlySequence<byte>(Request(3000).ToByteArray()), () => new CheckRequest());
        Assert.Equal(Urn, parsed.Urn);
        var e = Assert.Throws<RpcException>(() => DeepMessages.Parse(new System.Buffers.ReadOnlySequence<byte>(Request(3500).ToByteArray()), () => new CheckRequest()));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
    }
}

/// <summary>Endpoint URLs from recorded state (which never passed Check) are refused by name, not with a .NET exception.</summary>
[Trait("Category", "Unit")]
public sealed class RecordedUrlTests
{
    [Theory]
    [InlineData("mqtt://127.0.0.1:1")]
    [InlineData("not a url")]
    public void An_engine_URL_that_is_not_http_is_invalid_argument_naming_spe_url(string url)
    {
        var e = Assert.Throws<ProviderException>(() => new Speck.Provider.Spe.SiteHttp().For(url));
        Assert.Equal(FailureKind.InvalidInput, e.Kind);
        Assert.StartsWith("spe.url", e.Message);
    }
}

using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Speck.Harness.Protocol;

/// <summary>Property bags travel as protobuf Structs; the harness keeps them as JSON (Struct's JSON form is plain JSON).</summary>
public static class Structs
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    public static Struct ToStruct(JsonObject? o) => o is null ? new Struct() : Parser.Parse<Struct>(o.ToJsonString());

    public static JsonObject ToJson(Struct? s) =>
        s is null ? new JsonObject() : JsonNode.Parse(JsonFormatter.Default.Format(s))!.AsObject();

    public static string Format(IMessage m) => JsonFormatter.Default.Format(m);
}

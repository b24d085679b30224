using System.Text.Json.Nodes;

namespace Speck.Testbed.Traffic;

/// <summary>A report as JSON, so the demo can compare the statistics it reads with what the generator sent.</summary>
public static class TrafficReportJson
{
    public static string Write(TrafficReport r) => new JsonObject
    {
        ["sent"] = r.Sent,
        ["malformed"] = r.Malformed,
        ["counts"] = new JsonArray(r.Counts.Select(c => (JsonNode)new JsonObject
        {
            ["window"] = c.Key.Window, ["sensor"] = c.Key.Sensor, ["count"] = c.Value,
        }).ToArray()),
    }.ToJsonString();

    public static TrafficReport Read(string json)
    {
        var o = JsonNode.Parse(json)!.AsObject();
        var counts = o["counts"]!.AsArray().Select(c => c!.AsObject())
            .ToDictionary(c => new WindowKey(c["window"]!.GetValue<long>(), c["sensor"]!.GetValue<string>()), c => c["count"]!.GetValue<int>());
        return new TrafficReport(o["sent"]!.GetValue<int>(), o["malformed"]!.GetValue<int>(), counts);
    }
}

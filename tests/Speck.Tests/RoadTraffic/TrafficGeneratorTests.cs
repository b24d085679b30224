using System.Collections.Concurrent;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Speck.Testbed.Mosquitto;
using Speck.Testbed.Traffic;
using Speck.Tests.Provider.Brokers.Mqtt;

namespace Speck.Tests.RoadTraffic;

public class TrafficGeneratorTests(AnonymousBrokerFixture fx) : IClassFixture<AnonymousBrokerFixture>
{
    [Fact]
    public void Same_seed_gives_the_same_items_and_another_seed_other_ones()
    {
        var a = TrafficDataset.Generate(new TrafficOptions { Count = 200, MalformedShare = 0.2, Seed = 3 }).ToList();
        var b = TrafficDataset.Generate(new TrafficOptions { Count = 200, MalformedShare = 0.2, Seed = 3 }).ToList();
        var c = TrafficDataset.Generate(new TrafficOptions { Count = 200, MalformedShare = 0.2, Seed = 4 }).ToList();
        Assert.Equal(a, b);
        Assert.NotEqual(a.Select(i => i.Payload), c.Select(i => i.Payload));
    }

    [Fact]
    public void Well_formed_items_are_the_seed_dataset_shape_and_malformed_ones_break_it()
    {
        var items = TrafficDataset.Generate(new TrafficOptions { Count = 2000, MalformedShare = 0.25, Sensors = ["S07", "S12"], VehiclePrefix = "e1-" }).ToList();
        var malformed = items.Count(i => !i.WellFormed);
        Assert.InRange(malformed, 400, 600); // 25 % of 2000, drawn from the random seed
        Assert.Equal(TrafficDataset.MalformedKinds.Order(), items.Where(i => !i.WellFormed).Select(i => i.MalformedKind!).Distinct().Order());
        foreach (var item in items)
            Assert.Equal(item.WellFormed, IsDetection(item.Payload, out var sensor, out var ts) && sensor == item.Sensor && ts - ts % 10_000 == item.Window);
        var stamps = items.Where(i => i.WellFormed).Select(i => JsonDocument.Parse(i.Payload).RootElement.GetProperty("ts").GetInt64()).ToList();
        Assert.Equal(stamps.Order(), stamps); // detections replay in time order
    }

    [Fact]
    public void Report_counts_each_well_formed_detection_once_per_sensor_and_window()
    {
        var items = TrafficDataset.Generate(new TrafficOptions { Count = 500, MalformedShare = 0.1, MeanGapMs = 100 }).ToList();
        var report = TrafficReport.Of(items);
        Assert.Equal(500, report.Sent);
        Assert.Equal(items.Count(i => !i.WellFormed), report.Malformed);
        Assert.Equal(report.WellFormed, report.Counts.Values.Sum());
        Assert.True(report.Counts.Keys.Select(k => k.Window).Distinct().Count() > 1, "100 ms gaps over 500 items span several 10 s windows");
        var merged = TrafficReport.Merge([report, report]);
        Assert.All(report.Counts, c => Assert.Equal(2 * c.Value, merged.Counts[c.Key]));
        var read = TrafficReportJson.Read(TrafficReportJson.Write(report));
        Assert.Equal((report.Sent, report.Malformed), (read.Sent, read.Malformed));
        Assert.Equal(report.Counts.OrderBy(c => c.Key.Window).ThenBy(c => c.Key.Sensor, StringComparer.Ordinal),
            read.Counts.OrderBy(c => c.Key.Window).ThenBy(c => c.Key.Sensor, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Publishes_every_item_to_the_broker_and_reports_what_it_sent()
    {
        var topic = MqttTest.Unique("traffic/raw");
        var received = new ConcurrentQueue<string>();
        using var subscriber = await Subscribe(fx.Broker, topic, received);
        var options = new TrafficOptions { Count = 300, MalformedShare = 0.1, Seed = 11 };

        var report = await TrafficGenerator.PublishAsync(new TrafficTarget(new Uri(fx.Broker.Url), topic), options, rate: 0);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (received.Count < 300 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(TrafficDataset.Generate(options).Select(i => i.Payload), received);
        Assert.Equal(TrafficReport.Of(TrafficDataset.Generate(options)).Counts, report.Counts);
        Assert.Equal(received.Count(p => !IsDetection(p, out _, out _)), report.Malformed);
    }

    [Fact]
    public async Task A_broker_that_refuses_the_publish_is_an_error_not_a_count()
    {
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Dynsec = true });
        await using var login = await TrafficLogin.CreateAsync(new Uri(broker.Url), broker.AdminUser!, broker.AdminPassword!, "admin");
        // The admin role may read everything but publish nothing outside $CONTROL: the broker answers NotAuthorized.
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => TrafficGenerator.PublishAsync(
            new TrafficTarget(new Uri(broker.Url), "traffic/raw", login.Username, login.Password), new TrafficOptions { Count = 3 }, rate: 0));
        Assert.Contains("refused a publish", e.Message);
    }

    /// <summary>The cleaning job's rule, written independently of the generator.</summary>
    internal static bool IsDetection(string payload, out string? sensor, out long ts)
    {
        (sensor, ts) = (null, 0);
        try
        {
            using var doc = JsonDocument.Parse(payload);
            var r = doc.RootElement;
            if (r.ValueKind != JsonValueKind.Object) return false;
            if (!r.TryGetProperty("vehicleId", out var v) || v.ValueKind != JsonValueKind.String || v.GetString() == "") return false;
            if (!r.TryGetProperty("sensor", out var s) || s.ValueKind != JsonValueKind.String) return false;
            if (!r.TryGetProperty("ts", out var t) || t.ValueKind != JsonValueKind.Number || !t.TryGetInt64(out ts)) return false;
            sensor = s.GetString();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static async Task<IMqttClient> Subscribe(MosquittoBroker broker, string topic, ConcurrentQueue<string> into)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e =>
        {
            into.Enqueue(e.ApplicationMessage.ConvertPayloadToString());
            return Task.CompletedTask;
        };
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithProtocolVersion(MqttProtocolVersion.V311).Build());
        await client.SubscribeAsync(topic, MqttQualityOfServiceLevel.AtLeastOnce);
        return client;
    }
}

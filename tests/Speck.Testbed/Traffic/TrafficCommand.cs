using System.Globalization;

namespace Speck.Testbed.Traffic;

/// <summary>
/// <c>speck-testbed traffic</c>: replays detections to one edge's raw topic and prints what it sent, as a JSON line
/// the demo can keep (<c>{"sent":..,"malformed":..,"counts":[{"window":..,"sensor":..,"count":..}]}</c>).
/// </summary>
public static class TrafficCommand
{
    public sealed record Arguments(Uri Broker, string Topic, int Count, double Rate, double Malformed, int Seed,
        IReadOnlyList<string> Sensors, string Prefix, long? StartTs, string? Username, string? Password,
        string? AdminPassword, string? PublishRole, string? ReportPath);

    public static async Task<int> RunAsync(Arguments a, TextWriter output, CancellationToken ct = default)
    {
        var options = new TrafficOptions
        {
            Count = a.Count, MalformedShare = a.Malformed, Seed = a.Seed, Sensors = a.Sensors, VehiclePrefix = a.Prefix,
            StartTs = a.StartTs ?? new TrafficOptions { Count = 0 }.StartTs,
        };
        TrafficLogin? login = null;
        if (a.PublishRole is not null)
            login = await TrafficLogin.CreateAsync(a.Broker, "admin", a.AdminPassword ?? throw new ArgumentException("--publish-role needs the site's admin password"), a.PublishRole, ct);
        try
        {
            var target = new TrafficTarget(a.Broker, a.Topic, login?.Username ?? a.Username, login?.Password ?? a.Password);
            var report = await TrafficGenerator.PublishAsync(target, options, a.Rate, ct: ct);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{a.Prefix}: sent {report.Sent} detections to '{a.Topic}' on {a.Broker.Authority}: {report.WellFormed} well-formed, {report.Malformed} malformed"));
            if (a.ReportPath is not null) await File.WriteAllTextAsync(a.ReportPath, TrafficReportJson.Write(report), ct);
            return 0;
        }
        finally
        {
            if (login is not null) await login.DisposeAsync();
        }
    }
}

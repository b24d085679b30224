using System.Globalization;
using System.Text;

namespace Speck.Bench;

/// <summary>docs/benchmarks.md as the run writes it: one section per measurement, each with its target and verdict.</summary>
public sealed class Report
{
    private readonly StringBuilder _md = new();
    private readonly List<string> _verdicts = [];

    public Report(string machine)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        _md.AppendLine("# Benchmarks").AppendLine()
           .AppendLine($"Written by `make bench` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {machine}. Every number below comes")
           .AppendLine("from this one run; ratios compare measurements taken side by side in it.").AppendLine();
    }

    public void Section(string title, string intro)
    {
        _md.AppendLine($"## {title}").AppendLine().AppendLine(intro).AppendLine();
    }

    public void Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        _md.AppendLine("| " + string.Join(" | ", header) + " |");
        _md.AppendLine("|" + string.Concat(header.Select(_ => " --- |")));
        foreach (var r in rows) _md.AppendLine("| " + string.Join(" | ", r) + " |");
        _md.AppendLine();
    }

    public void Text(string text) => _md.AppendLine(text).AppendLine();

    public void Image(string alt, string file) => _md.AppendLine($"![{alt}]({file})").AppendLine();

    /// <summary>A target from the issue, met or missed; a miss says by how much, the caller says why.</summary>
    public void Target(string what, double value, double limit, string unit, string? whyIfMissed = null)
    {
        var met = value <= limit;
        var line = met
            ? $"- **met**: {what}: {value:0.##} {unit} (target ≤ {limit:0.##} {unit})"
            : $"- **missed**: {what}: {value:0.##} {unit}, target ≤ {limit:0.##} {unit}, over by {value - limit:0.##} {unit} ({value / limit:0.##}×). {whyIfMissed}";
        _verdicts.Add(line);
    }

    public async Task WriteAsync(string path)
    {
        var text = new StringBuilder();
        text.Append(_md);
        if (_verdicts.Count > 0)
        {
            text.AppendLine("## Targets").AppendLine();
            foreach (var v in _verdicts) text.AppendLine(v);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, text.ToString());
    }
}

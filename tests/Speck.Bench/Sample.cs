namespace Speck.Bench;

/// <summary>Repeated measurements of one quantity, summarised as the report shows them.</summary>
public sealed class Sample(string unit)
{
    private readonly List<double> _values = [];

    public string Unit { get; } = unit;
    public IReadOnlyList<double> Values => _values;
    public void Add(double v) => _values.Add(v);

    public double Min => _values.Min();
    public double Max => _values.Max();
    public double Median
    {
        get
        {
            var s = _values.Order().ToArray();
            return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
        }
    }

    public string Summary(string format = "0.0") =>
        $"{Min.ToString(format)} / {Median.ToString(format)} / {Max.ToString(format)} {Unit}";
}

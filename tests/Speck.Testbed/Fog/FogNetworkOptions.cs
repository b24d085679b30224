namespace Speck.Testbed.Fog;

/// <summary>
/// Sites in their own network namespaces, a control namespace for the deployment tool, and a WAN between the sites:
/// each site's uplink limited to <see cref="WanKbit"/> (htb) and every crossing delayed by <see cref="WanDelay"/> each
/// way (a relay: this kernel has no netem).
/// </summary>
public sealed record FogNetworkOptions
{
    /// <summary>Site names, e.g. edge1, edge2, edge3, cloud: each one namespace and the host name <c>&lt;site&gt;.speck</c>.</summary>
    public required IReadOnlyList<string> Sites { get; init; }

    /// <summary>Each site's WAN uplink, in kbit/s (site to any other site; traffic to the control namespace is not limited).</summary>
    public int WanKbit { get; init; } = 10_000;

    /// <summary>One-way delay of every WAN crossing (so the round trip is twice this).</summary>
    public TimeSpan WanDelay { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>The ports relayed over the WAN (the brokers' MQTT port).</summary>
    public IReadOnlyList<int> WanPorts { get; init; } = [1883];
}

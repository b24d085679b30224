using System.Collections;
using System.Collections.Immutable;

namespace Speck.Host.Values;

/// <summary>A property bag (a resource's inputs or outputs), ordered by name for stable output.</summary>
public sealed class PropertyMap : IReadOnlyDictionary<string, PropertyValue>, IEquatable<PropertyMap>
{
    public static readonly PropertyMap Empty = new(ImmutableSortedDictionary<string, PropertyValue>.Empty.WithComparers(StringComparer.Ordinal));

    private readonly ImmutableSortedDictionary<string, PropertyValue> _map;

    public PropertyMap(ImmutableSortedDictionary<string, PropertyValue> map) => _map = map;

    public PropertyMap(IEnumerable<KeyValuePair<string, PropertyValue>> items)
        : this(items.ToImmutableSortedDictionary(StringComparer.Ordinal)) { }

    public PropertyValue this[string key] => _map[key];
    public IEnumerable<string> Keys => _map.Keys;
    public IEnumerable<PropertyValue> Values => _map.Values;
    public int Count => _map.Count;
    public bool ContainsKey(string key) => _map.ContainsKey(key);
    public bool TryGetValue(string key, out PropertyValue value) => _map.TryGetValue(key, out value!);
    public IEnumerator<KeyValuePair<string, PropertyValue>> GetEnumerator() => _map.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The value of a key, or null when absent or null.</summary>
    public PropertyValue? Get(string key) => _map.TryGetValue(key, out var v) && !v.IsNull ? v : null;

    public PropertyMap With(string key, PropertyValue value) => new(_map.SetItem(key, value));
    public PropertyMap Without(string key) => new(_map.Remove(key));
    public PropertyValue AsValue() => PropertyValue.Of(_map);

    public bool Equals(PropertyMap? other) => other is not null && AsValue().Equals(other.AsValue());
    public override bool Equals(object? obj) => Equals(obj as PropertyMap);
    public override int GetHashCode() => AsValue().GetHashCode();
    public override string ToString() => AsValue().ToString();
}

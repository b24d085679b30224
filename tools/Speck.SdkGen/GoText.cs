using System.Globalization;
using System.Text;
using Speck.SdkGen.Schema;

namespace Speck.SdkGen;

/// <summary>The few Go formatting rules the upstream generators' output depends on.</summary>
public static class GoText
{
    /// <summary>Go's <c>%q</c> for the strings a schema holds: a double-quoted literal with Go escapes.</summary>
    public static string Quote(string s) => Quoted(s, (b, c) =>
    {
        if (char.IsControl(c) || char.IsSurrogate(c) || c > '\u007e')
            throw new UnsupportedSchemaException("string", $"non-ASCII or control character in {s}");
        b.Append(c);
    });

    /// <summary>A JSON string as Go's encoding/json writes it (HTML-safe: &lt;, &gt;, &amp; escaped).</summary>
    public static string JsonString(string s) => Quoted(s, (b, c) =>
    {
        if (c < ' ' || c is '<' or '>' or '&' or '\u2028' or '\u2029') b.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
        else b.Append(c);
    });

    // The escapes %q and encoding/json share; every other character as `other` writes it.
    private static string Quoted(string s, Action<StringBuilder, char> other)
    {
        var b = new StringBuilder("\"");
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': b.Append("\\\""); break;
                case '\\': b.Append("\\\\"); break;
                case '\n': b.Append("\\n"); break;
                case '\r': b.Append("\\r"); break;
                case '\t': b.Append("\\t"); break;
                default: other(b, c); break;
            }
        }
        return b.Append('"').ToString();
    }

    /// <summary>A default value as primitiveValue/tsPrimitiveValue print it (strconv, %q).</summary>
    public static string Primitive(object value) => value switch
    {
        string s => Quote(s),
        bool v => v ? "true" : "false",
        long v => v.ToString(CultureInfo.InvariantCulture),
        double v => v.ToString("R", CultureInfo.InvariantCulture),
        _ => throw new UnsupportedSchemaException("default", $"a default of type {value.GetType().Name}"),
    };

    /// <summary>cgstrings.UppercaseFirst.</summary>
    public static string UppercaseFirst(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    /// <summary>cgstrings.Camel: lower-case every character up to the first lower-case one.</summary>
    public static string Camel(string s)
    {
        var i = 0;
        while (i < s.Length && !char.IsLower(s[i])) i++;
        return s[..i].ToLowerInvariant() + s[i..];
    }

    /// <summary>The last part of a `pkg:module:Name` token, upper-cased first (tokenToName).</summary>
    public static string TokenName(string token) => UppercaseFirst(token.Split(':')[2]);
}

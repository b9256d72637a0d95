using System.Globalization;
using System.Text;

namespace DhtRpc.Storage.Tests.Json;

/// <summary>
/// Seeded generator of JSON texts. It writes text directly (not values) so that it can vary number spellings,
/// escapes, whitespace and duplicate keys the way hand-written or foreign-tool JSON does.
/// </summary>
internal sealed class RandomJsonGenerator(int seed)
{
    private static readonly string[] KeyPool =
    [
        "a", "b", "id", "name", "0", "1", "2", "10", "01", "-1", "4294967294", "4294967295", "007", "1.0", "__proto__", "",
        "ключ", "キー", "😀",
    ];

    private static readonly string[] Whitespace = ["", "", "", " ", "\t", "\n", "\r\n", "  "];

    private readonly Random _rng = new(seed);

    public string Next()
    {
        var sb = new StringBuilder();
        Ws(sb);
        Value(sb, depth: 0);
        Ws(sb);
        return sb.ToString();
    }

    /// <summary>A small random edit of valid JSON: usually makes it invalid, sometimes not.</summary>
    public string Mutate(string text)
    {
        string[] inserts = [",", "]", "}", "0", "'", "/", "\\", "\u0001", "\uFEFF", "\u00A0", "e", "-", ":", "\""];
        var at = _rng.Next(text.Length + 1);
        return _rng.Next(2) == 0 && text.Length > 0
            ? text.Remove(Math.Min(at, text.Length - 1), 1)
            : text.Insert(at, inserts[_rng.Next(inserts.Length)]);
    }

    private void Value(StringBuilder sb, int depth)
    {
        var pick = _rng.Next(depth >= 6 ? 6 : 10);
        switch (pick)
        {
            case 0: sb.Append("null"); break;
            case 1: sb.Append(_rng.Next(2) == 0 ? "true" : "false"); break;
            case 2:
            case 3: Number(sb); break;
            case 4:
            case 5: String(sb); break;
            case 6:
            case 7: Array(sb, depth); break;
            default: Object(sb, depth); break;
        }
    }

    private void Array(StringBuilder sb, int depth)
    {
        sb.Append('[');
        var count = _rng.Next(6);
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            Ws(sb);
            Value(sb, depth + 1);
            Ws(sb);
        }

        if (count == 0)
        {
            Ws(sb);
        }

        sb.Append(']');
    }

    private void Object(StringBuilder sb, int depth)
    {
        sb.Append('{');
        var count = _rng.Next(7);
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            Ws(sb);
            if (_rng.Next(3) == 0)
            {
                String(sb);
            }
            else
            {
                var key = _rng.Next(4) == 0
                    ? _rng.Next(0, 30).ToString(CultureInfo.InvariantCulture)
                    : KeyPool[_rng.Next(KeyPool.Length)];
                sb.Append('"');
                AppendKeyText(sb, key);
                sb.Append('"');
            }

            Ws(sb);
            sb.Append(':');
            Ws(sb);
            Value(sb, depth + 1);
            Ws(sb);
        }

        if (count == 0)
        {
            Ws(sb);
        }

        sb.Append('}');
    }

    // Keys are sometimes written with \u escapes so that "\u0031" and "1" collide as duplicates.
    private void AppendKeyText(StringBuilder sb, string key)
    {
        foreach (var c in key)
        {
            if (_rng.Next(5) == 0)
            {
                sb.Append("\\u").Append(((int)c).ToString(_rng.Next(2) == 0 ? "x4" : "X4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }
    }

    private void Number(StringBuilder sb)
    {
        if (_rng.Next(2) == 0)
        {
            sb.Append('-');
        }

        switch (_rng.Next(6))
        {
            case 0:
                // Small integer, or zero.
                sb.Append(_rng.Next(0, 1000).ToString(CultureInfo.InvariantCulture));
                break;
            case 1:
                // A random finite double, written with its shortest digits in .NET's layout.
                double d;
                do
                {
                    d = BitConverter.Int64BitsToDouble(_rng.NextInt64() & long.MaxValue);
                }
                while (!double.IsFinite(d));

                sb.Append(d.ToString("R", CultureInfo.InvariantCulture));
                break;
            case 2:
                // A random magnitude 10^-330 … 10^330 from a mantissa and exponent.
                sb.Append(_rng.Next(1, 10).ToString(CultureInfo.InvariantCulture));
                if (_rng.Next(2) == 0)
                {
                    sb.Append('.').Append(Digits(_rng.Next(1, 20)));
                }

                sb.Append(_rng.Next(2) == 0 ? 'e' : 'E');
                var sign = _rng.Next(3);
                sb.Append(sign == 0 ? "" : sign == 1 ? "+" : "-");
                sb.Append(_rng.Next(0, 331).ToString(CultureInfo.InvariantCulture));
                break;
            case 3:
                // Long integers, often past 2^53.
                sb.Append(_rng.Next(1, 10).ToString(CultureInfo.InvariantCulture)).Append(Digits(_rng.Next(0, 30)));
                break;
            case 4:
                // Decimal fractions of varying length and magnitude.
                sb.Append(_rng.Next(3) == 0 ? "0" : _rng.Next(1, 100000).ToString(CultureInfo.InvariantCulture));
                sb.Append('.').Append(new string('0', _rng.Next(0, 10))).Append(Digits(_rng.Next(1, 25)));
                break;
            default:
                // Values near the decimal/exponential switch points (1e21 and 1e-7).
                var exp = _rng.Next(2) == 0 ? _rng.Next(18, 24) : -_rng.Next(5, 9);
                sb.Append(_rng.Next(1, 10).ToString(CultureInfo.InvariantCulture)).Append('.').Append(Digits(_rng.Next(0, 4) + 1));
                sb.Append('e').Append(exp.ToString(CultureInfo.InvariantCulture));
                break;
        }
    }

    private string Digits(int count)
    {
        var sb = new StringBuilder(count);
        for (var i = 0; i < count; i++)
        {
            sb.Append((char)('0' + _rng.Next(10)));
        }

        return sb.ToString();
    }

    private void String(StringBuilder sb)
    {
        sb.Append('"');
        var length = _rng.Next(12);
        for (var i = 0; i < length; i++)
        {
            switch (_rng.Next(12))
            {
                case 0:
                    // A control character, written as a short or \u escape.
                    var c = (char)_rng.Next(0, 0x20);
                    var shortEscape = c switch
                    {
                        '\b' => "\\b",
                        '\f' => "\\f",
                        '\n' => "\\n",
                        '\r' => "\\r",
                        '\t' => "\\t",
                        _ => null,
                    };
                    sb.Append(shortEscape is not null && _rng.Next(2) == 0
                        ? shortEscape
                        : "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                case 1:
                    sb.Append(_rng.Next(4) switch { 0 => "\\\"", 1 => "\\\\", 2 => "\\/", _ => "/" });
                    break;
                case 2:
                    // Any BMP code unit as an escape, surrogates included (so lone ones appear).
                    sb.Append("\\u").Append(_rng.Next(0, 0x10000).ToString("X4", CultureInfo.InvariantCulture));
                    break;
                case 3:
                    // A random supplementary character, raw or as an escaped pair.
                    var cp = _rng.Next(0x10000, 0x110000);
                    var pair = char.ConvertFromUtf32(cp);
                    if (_rng.Next(2) == 0)
                    {
                        sb.Append(pair);
                    }
                    else
                    {
                        sb.Append("\\u").Append(((int)pair[0]).ToString("x4", CultureInfo.InvariantCulture))
                          .Append("\\u").Append(((int)pair[1]).ToString("x4", CultureInfo.InvariantCulture));
                    }

                    break;
                case 4:
                    // A raw BMP character above the control range, possibly a lone surrogate or U+2028.
                    var raw = (char)_rng.Next(0x20, 0x10000);
                    sb.Append(raw is '"' or '\\' ? 'q' : raw);
                    break;
                case 5:
                    sb.Append(_rng.Next(5) switch { 0 => "😀", 1 => "中文", 2 => "עברית", 3 => "\u2028\u2029", _ => "é" });
                    break;
                default:
                    sb.Append((char)_rng.Next('a', 'z' + 1));
                    break;
            }
        }

        sb.Append('"');
    }

    private void Ws(StringBuilder sb) => sb.Append(Whitespace[_rng.Next(Whitespace.Length)]);
}

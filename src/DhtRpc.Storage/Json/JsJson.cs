using System.Globalization;
using System.Text;

namespace DhtRpc.Storage.Json;

/// <summary>
/// JSON normalisation that reproduces JavaScript exactly: <see cref="Normalize"/> returns what
/// <c>JSON.stringify(JSON.parse(text))</c> returns in Node, so content hashes computed here and in
/// JavaScript tools agree.
/// </summary>
/// <remarks>
/// The parser follows ECMAScript <c>JSON.parse</c>: strict RFC 8259 grammar (no comments, no trailing
/// commas, no leading zeros, no NaN), only the four JSON whitespace characters, lone surrogate escapes
/// allowed, duplicate keys resolved as "last value wins, first position kept", and numbers read as
/// IEEE doubles. The writer follows <c>JSON.stringify</c>: array-index keys first in ascending order,
/// ECMAScript number formatting, and well-formed string escaping. Both are iterative, so deep nesting
/// cannot overflow the stack; nesting is capped at <see cref="MaxDepth"/>.
/// </remarks>
public static class JsJson
{
    /// <summary>Deepest nesting of arrays and objects accepted.</summary>
    public const int MaxDepth = 10_000;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Returns <c>JSON.stringify(JSON.parse(text))</c>.</summary>
    /// <exception cref="FormatException">The text is not valid JSON (the message gives the position).</exception>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var value = ParseOrThrow(text);
        return Writer.Write(value, indent: false);
    }

    /// <summary>Returns the UTF-8 bytes of <c>JSON.stringify(JSON.parse(text))</c> (no BOM).</summary>
    /// <exception cref="FormatException">The text is not valid JSON (the message gives the position).</exception>
    public static byte[] NormalizeToUtf8(string text) => StrictUtf8.GetBytes(Normalize(text));

    /// <summary>
    /// Like <see cref="Normalize"/>, but reports invalid input through <paramref name="error"/>: one sentence
    /// such as <c>Invalid JSON at line 3, column 7: expected ',' or '}' after an object member.</c>
    /// </summary>
    public static bool TryNormalize(string text, out string normalized, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(text);
        if (!parser.TryParse(out var value))
        {
            normalized = string.Empty;
            error = parser.Error;
            return false;
        }

        normalized = Writer.Write(value, indent: false);
        error = null;
        return true;
    }

    /// <summary>Returns <c>JSON.stringify(JSON.parse(json), null, 2)</c>.</summary>
    /// <exception cref="FormatException">The text is not valid JSON (the message gives the position).</exception>
    public static string Indent(string normalizedJson)
    {
        ArgumentNullException.ThrowIfNull(normalizedJson);
        var value = ParseOrThrow(normalizedJson);
        return Writer.Write(value, indent: true);
    }

    private static object ParseOrThrow(string text)
    {
        var parser = new Parser(text);
        if (!parser.TryParse(out var value))
        {
            throw new FormatException(parser.Error);
        }

        return value;
    }

    /// <summary>Marker for the JSON literal <c>null</c>.</summary>
    private sealed class JsNull
    {
        public static readonly JsNull Instance = new();

        private JsNull()
        {
        }
    }

    /// <summary>A parsed object: insertion-ordered members, later duplicates overwrite in place.</summary>
    private sealed class JsObject
    {
        private readonly Dictionary<string, int> _indexOf = new(StringComparer.Ordinal);

        public List<string> Keys { get; } = [];

        public List<object> Values { get; } = [];

        public bool HasArrayIndexKey { get; private set; }

        public void Set(string key, object value)
        {
            if (_indexOf.TryGetValue(key, out var at))
            {
                Values[at] = value;
                return;
            }

            _indexOf.Add(key, Keys.Count);
            Keys.Add(key);
            Values.Add(value);
            if (TryArrayIndex(key, out _))
            {
                HasArrayIndexKey = true;
            }
        }

        /// <summary>Member positions in ECMAScript own-property order.</summary>
        public int[] Order()
        {
            var order = new int[Keys.Count];
            if (!HasArrayIndexKey)
            {
                for (var i = 0; i < order.Length; i++)
                {
                    order[i] = i;
                }

                return order;
            }

            var indexed = new List<(uint Index, int Position)>();
            var named = new List<int>();
            for (var i = 0; i < Keys.Count; i++)
            {
                if (TryArrayIndex(Keys[i], out var index))
                {
                    indexed.Add((index, i));
                }
                else
                {
                    named.Add(i);
                }
            }

            indexed.Sort((a, b) => a.Index.CompareTo(b.Index));
            var n = 0;
            foreach (var (_, position) in indexed)
            {
                order[n++] = position;
            }

            foreach (var position in named)
            {
                order[n++] = position;
            }

            return order;
        }

        /// <summary>An ECMAScript array index: canonical decimal form of an integer 0 … 2^32 − 2.</summary>
        private static bool TryArrayIndex(string key, out uint index)
        {
            index = 0;
            if (key.Length == 0 || key.Length > 10 || (key[0] == '0' && key.Length > 1))
            {
                return false;
            }

            ulong value = 0;
            foreach (var c in key)
            {
                if (c is < '0' or > '9')
                {
                    return false;
                }

                value = (value * 10) + (ulong)(c - '0');
            }

            if (value > uint.MaxValue - 1UL)
            {
                return false;
            }

            index = (uint)value;
            return true;
        }
    }

    private sealed class Parser(string text)
    {
        private readonly string _text = text;
        private int _pos;

        public string Error { get; private set; } = string.Empty;

        private sealed class Frame(List<object>? array, JsObject? obj)
        {
            public List<object>? Array { get; } = array;

            public JsObject? Object { get; } = obj;

            public string PendingKey { get; set; } = string.Empty;
        }

        public bool TryParse(out object value)
        {
            value = JsNull.Instance;
            if (_text.Length > 0 && _text[0] == '\uFEFF')
            {
                Error = "Invalid JSON at line 1, column 1: the text starts with a byte-order mark (U+FEFF), which JSON.parse rejects; remove the BOM before normalising.";
                return false;
            }

            var stack = new Stack<Frame>();
            SkipWhitespace();
            while (true)
            {
                // Read one value; containers that open here push a frame and read their first element.
                object current;
                if (_pos >= _text.Length)
                {
                    return Fail("unexpected end of input, expected a value");
                }

                var c = _text[_pos];
                if (c == '[' || c == '{')
                {
                    if (stack.Count >= MaxDepth)
                    {
                        return Fail($"nesting is deeper than {MaxDepth.ToString(CultureInfo.InvariantCulture)} levels");
                    }

                    _pos++;
                    SkipWhitespace();
                    if (c == '[')
                    {
                        if (Peek() == ']')
                        {
                            _pos++;
                            current = new List<object>();
                        }
                        else
                        {
                            stack.Push(new Frame(new List<object>(), null));
                            continue;
                        }
                    }
                    else if (Peek() == '}')
                    {
                        _pos++;
                        current = new JsObject();
                    }
                    else
                    {
                        var frame = new Frame(null, new JsObject());
                        if (!TryReadMemberKey(out var key, first: true))
                        {
                            return false;
                        }

                        frame.PendingKey = key;
                        stack.Push(frame);
                        continue;
                    }
                }
                else if (!TryReadScalar(out current))
                {
                    return false;
                }

                // Attach the finished value to its parent, closing every container that ends here.
                while (true)
                {
                    if (stack.Count == 0)
                    {
                        SkipWhitespace();
                        if (_pos < _text.Length)
                        {
                            return Fail($"unexpected {Describe(_text[_pos])} after the end of the JSON value");
                        }

                        value = current;
                        return true;
                    }

                    var top = stack.Peek();
                    if (top.Array is { } array)
                    {
                        array.Add(current);
                    }
                    else
                    {
                        top.Object!.Set(top.PendingKey, current);
                    }

                    SkipWhitespace();
                    var next = Peek();
                    if (next == ',')
                    {
                        _pos++;
                        SkipWhitespace();
                        if (top.Object is not null)
                        {
                            if (!TryReadMemberKey(out var key, first: false))
                            {
                                return false;
                            }

                            top.PendingKey = key;
                        }

                        break;
                    }

                    if (top.Array is not null && next == ']')
                    {
                        _pos++;
                        current = stack.Pop().Array!;
                        continue;
                    }

                    if (top.Object is not null && next == '}')
                    {
                        _pos++;
                        current = stack.Pop().Object!;
                        continue;
                    }

                    return top.Array is not null
                        ? Fail($"expected ',' or ']' after an array element but found {DescribeAt()}")
                        : Fail($"expected ',' or '}}' after an object member but found {DescribeAt()}");
                }

                SkipWhitespace();
            }
        }

        /// <summary>Reads <c>"key"</c>, whitespace and the colon, leaving the position at the member value.</summary>
        private bool TryReadMemberKey(out string key, bool first)
        {
            key = string.Empty;
            if (Peek() != '"')
            {
                return Fail(first
                    ? $"expected a double-quoted property name or '}}' but found {DescribeAt()}"
                    : $"expected a double-quoted property name after ',' but found {DescribeAt()}{Hint(Peek())}");
            }

            if (!TryReadString(out key))
            {
                return false;
            }

            SkipWhitespace();
            if (Peek() != ':')
            {
                return Fail($"expected ':' after a property name but found {DescribeAt()}");
            }

            _pos++;
            SkipWhitespace();
            return true;
        }

        private bool TryReadScalar(out object value)
        {
            value = JsNull.Instance;
            var c = _text[_pos];
            switch (c)
            {
                case '"':
                    if (!TryReadString(out var s))
                    {
                        return false;
                    }

                    value = s;
                    return true;
                case 't':
                    value = true;
                    return TryReadLiteral("true");
                case 'f':
                    value = false;
                    return TryReadLiteral("false");
                case 'n':
                    value = JsNull.Instance;
                    return TryReadLiteral("null");
                default:
                    if (c == '-' || c is >= '0' and <= '9')
                    {
                        if (!TryReadNumber(out var d))
                        {
                            return false;
                        }

                        value = d;
                        return true;
                    }

                    return Fail($"unexpected {Describe(c)}, expected a value{Hint(c)}");
            }
        }

        private bool TryReadLiteral(string literal)
        {
            if (string.CompareOrdinal(_text, _pos, literal, 0, literal.Length) != 0 || _pos + literal.Length > _text.Length)
            {
                // Point at the first character that differs.
                var i = 0;
                while (i < literal.Length && _pos + i < _text.Length && _text[_pos + i] == literal[i])
                {
                    i++;
                }

                _pos += i;
                return Fail(_pos >= _text.Length
                    ? $"unexpected end of input inside the literal '{literal}'"
                    : $"unexpected {Describe(_text[_pos])} inside the literal '{literal}'");
            }

            _pos += literal.Length;
            return true;
        }

        private bool TryReadNumber(out double value)
        {
            value = 0;
            var start = _pos;
            if (Peek() == '-')
            {
                _pos++;
            }

            var c = Peek();
            if (c == '0')
            {
                _pos++;
                if (IsDigit(Peek()))
                {
                    return Fail("numbers must not have leading zeros");
                }
            }
            else if (c is >= '1' and <= '9')
            {
                while (IsDigit(Peek()))
                {
                    _pos++;
                }
            }
            else
            {
                return Fail(_pos >= _text.Length
                    ? "unexpected end of input, expected a digit after '-'"
                    : $"expected a digit after '-' but found {DescribeAt()}");
            }

            if (Peek() == '.')
            {
                _pos++;
                if (!IsDigit(Peek()))
                {
                    return Fail($"expected a digit after the decimal point but found {DescribeAt()}");
                }

                while (IsDigit(Peek()))
                {
                    _pos++;
                }
            }

            if (Peek() is 'e' or 'E')
            {
                _pos++;
                if (Peek() is '+' or '-')
                {
                    _pos++;
                }

                if (!IsDigit(Peek()))
                {
                    return Fail($"expected a digit in the exponent but found {DescribeAt()}");
                }

                while (IsDigit(Peek()))
                {
                    _pos++;
                }
            }

            // .NET parses with correct IEEE rounding and overflows to ±Infinity, like ECMAScript.
            value = double.Parse(_text.AsSpan(start, _pos - start), NumberStyles.Float, CultureInfo.InvariantCulture);
            return true;
        }

        private bool TryReadString(out string value)
        {
            value = string.Empty;
            _pos++; // opening quote
            var runStart = _pos;
            StringBuilder? sb = null;
            while (true)
            {
                if (_pos >= _text.Length)
                {
                    return Fail("unterminated string");
                }

                var c = _text[_pos];
                if (c == '"')
                {
                    if (sb is null)
                    {
                        value = _text.Substring(runStart, _pos - runStart);
                    }
                    else
                    {
                        sb.Append(_text, runStart, _pos - runStart);
                        value = sb.ToString();
                    }

                    _pos++;
                    return true;
                }

                if (c < 0x20)
                {
                    return Fail($"unescaped {Describe(c)} inside a string (control characters must be escaped)");
                }

                if (c != '\\')
                {
                    _pos++;
                    continue;
                }

                sb ??= new StringBuilder();
                sb.Append(_text, runStart, _pos - runStart);
                _pos++;
                if (_pos >= _text.Length)
                {
                    return Fail("unterminated string");
                }

                var e = _text[_pos];
                switch (e)
                {
                    case '"': sb.Append('"'); break;
                    case '\\': sb.Append('\\'); break;
                    case '/': sb.Append('/'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'u':
                        var code = 0;
                        for (var i = 1; i <= 4; i++)
                        {
                            var h = _pos + i < _text.Length ? HexValue(_text[_pos + i]) : -1;
                            if (h < 0)
                            {
                                _pos += i;
                                return Fail(_pos >= _text.Length
                                    ? "unterminated \\u escape"
                                    : $"bad \\u escape: expected a hex digit but found {DescribeAt()}");
                            }

                            code = (code << 4) | h;
                        }

                        sb.Append((char)code);
                        _pos += 4;
                        break;
                    default:
                        return Fail($"bad escape sequence '\\{e}' in a string");
                }

                _pos++;
                runStart = _pos;
            }
        }

        /// <summary>Names the usual culprit behind an unexpected character.</summary>
        private string Hint(char c) => c switch
        {
            ']' or '}' when PreviousSignificant() == ',' => " (trailing commas are not allowed)",
            '/' => " (comments are not allowed)",
            '\'' => " (strings must use double quotes)",
            'N' or 'I' => " (NaN and Infinity are not JSON values)",
            _ => string.Empty,
        };

        private char PreviousSignificant()
        {
            var i = _pos - 1;
            while (i >= 0 && _text[i] is ' ' or '\t' or '\n' or '\r')
            {
                i--;
            }

            return i >= 0 ? _text[i] : '\0';
        }

        private static int HexValue(char c) => c switch
        {
            >= '0' and <= '9' => c - '0',
            >= 'a' and <= 'f' => c - 'a' + 10,
            >= 'A' and <= 'F' => c - 'A' + 10,
            _ => -1,
        };

        private static bool IsDigit(char c) => c is >= '0' and <= '9';

        private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

        private void SkipWhitespace()
        {
            while (_pos < _text.Length && _text[_pos] is ' ' or '\t' or '\n' or '\r')
            {
                _pos++;
            }
        }

        private string DescribeAt() => _pos >= _text.Length ? "the end of input" : Describe(_text[_pos]);

        private static string Describe(char c) => c switch
        {
            < (char)0x20 or (char)0x7F => $"control character U+{(int)c:X4}",
            '\uFEFF' => "byte-order mark U+FEFF",
            >= '\uD800' and <= '\uDFFF' => $"surrogate U+{(int)c:X4}",
            '\'' => "\"'\"",
            _ when char.IsWhiteSpace(c) => $"non-JSON whitespace U+{(int)c:X4}",
            _ => $"'{c}'",
        };

        private bool Fail(string reason)
        {
            var line = 1;
            var column = 1;
            var end = Math.Min(_pos, _text.Length);
            for (var i = 0; i < end; i++)
            {
                var c = _text[i];
                if (c == '\n' || (c == '\r' && (i + 1 >= _text.Length || _text[i + 1] != '\n')))
                {
                    line++;
                    column = 1;
                }
                else if (c != '\r')
                {
                    column++;
                }
            }

            Error = string.Create(
                CultureInfo.InvariantCulture,
                $"Invalid JSON at line {line}, column {column} (offset {_pos}): {reason}.");
            return false;
        }
    }

    private static class Writer
    {
        private sealed class Frame(List<object>? array, JsObject? obj, int[]? order)
        {
            public List<object>? Array { get; } = array;

            public JsObject? Object { get; } = obj;

            public int[]? Order { get; } = order;

            public int Next { get; set; }

            public int Count => Array?.Count ?? Order!.Length;
        }

        public static string Write(object root, bool indent)
        {
            var sb = new StringBuilder();
            var stack = new Stack<Frame>();
            var pending = root;
            while (true)
            {
                // Emit one value; a non-empty container opens a frame and its members follow.
                if (pending is List<object> array)
                {
                    if (array.Count == 0)
                    {
                        sb.Append("[]");
                    }
                    else
                    {
                        sb.Append('[');
                        stack.Push(new Frame(array, null, null));
                    }
                }
                else if (pending is JsObject obj)
                {
                    if (obj.Keys.Count == 0)
                    {
                        sb.Append("{}");
                    }
                    else
                    {
                        sb.Append('{');
                        stack.Push(new Frame(null, obj, obj.Order()));
                    }
                }
                else
                {
                    WriteScalar(sb, pending);
                }

                // Find the next member to write, closing finished containers.
                while (true)
                {
                    if (stack.Count == 0)
                    {
                        return sb.ToString();
                    }

                    var top = stack.Peek();
                    if (top.Next < top.Count)
                    {
                        if (top.Next > 0)
                        {
                            sb.Append(',');
                        }

                        if (indent)
                        {
                            NewLine(sb, stack.Count);
                        }

                        if (top.Array is { } items)
                        {
                            pending = items[top.Next];
                        }
                        else
                        {
                            var position = top.Order![top.Next];
                            WriteString(sb, top.Object!.Keys[position]);
                            sb.Append(indent ? ": " : ":");
                            pending = top.Object.Values[position];
                        }

                        top.Next++;
                        break;
                    }

                    stack.Pop();
                    if (indent)
                    {
                        NewLine(sb, stack.Count);
                    }

                    sb.Append(top.Array is not null ? ']' : '}');
                }
            }
        }

        private static void NewLine(StringBuilder sb, int depth)
        {
            sb.Append('\n');
            sb.Append(' ', depth * 2);
        }

        private static void WriteScalar(StringBuilder sb, object value)
        {
            switch (value)
            {
                case string s:
                    WriteString(sb, s);
                    break;
                case double d:
                    sb.Append(FormatNumber(d));
                    break;
                case bool b:
                    sb.Append(b ? "true" : "false");
                    break;
                default:
                    sb.Append("null");
                    break;
            }
        }

        /// <summary>ECMAScript QuoteJSONString (well-formed variant).</summary>
        private static void WriteString(StringBuilder sb, string s)
        {
            sb.Append('"');
            var runStart = 0;
            for (var i = 0; i < s.Length; i++)
            {
                var c = s[i];
                string? escape = null;
                switch (c)
                {
                    case '"': escape = "\\\""; break;
                    case '\\': escape = "\\\\"; break;
                    case '\b': escape = "\\b"; break;
                    case '\f': escape = "\\f"; break;
                    case '\n': escape = "\\n"; break;
                    case '\r': escape = "\\r"; break;
                    case '\t': escape = "\\t"; break;
                    default:
                        if (c < 0x20)
                        {
                            escape = UnicodeEscape(c);
                        }
                        else if (char.IsHighSurrogate(c))
                        {
                            if (i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                            {
                                i++; // a valid pair stays literal
                            }
                            else
                            {
                                escape = UnicodeEscape(c);
                            }
                        }
                        else if (char.IsLowSurrogate(c))
                        {
                            escape = UnicodeEscape(c);
                        }

                        break;
                }

                if (escape is not null)
                {
                    sb.Append(s, runStart, i - runStart);
                    sb.Append(escape);
                    runStart = i + 1;
                }
            }

            sb.Append(s, runStart, s.Length - runStart);
            sb.Append('"');
        }

        private static string UnicodeEscape(char c) =>
            "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture);
    }

    /// <summary>ECMAScript Number::toString(x) for finite values; NaN and ±Infinity become <c>null</c> as in JSON.stringify.</summary>
    internal static string FormatNumber(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            return "null";
        }

        if (value == 0)
        {
            return "0"; // also -0
        }

        // .NET's round-trip format yields the shortest digits that round-trip (the same digits ECMAScript
        // requires); only the layout differs, so pull out digits and exponent and lay them out again.
        var r = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = r[0] == '-';
        var body = negative ? r.AsSpan(1) : r.AsSpan();
        var exponent = 0;
        var ePos = body.IndexOfAny('E', 'e');
        if (ePos >= 0)
        {
            exponent = int.Parse(body[(ePos + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            body = body[..ePos];
        }

        var digits = new StringBuilder(body.Length);
        var pointAt = body.Length;
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == '.')
            {
                pointAt = i;
            }
            else
            {
                digits.Append(body[i]);
            }
        }

        // value = 0.d1d2…dk × 10^n
        var n = pointAt + exponent;
        var lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
        }

        digits.Remove(0, lead);
        n -= lead;
        var trail = digits.Length;
        while (trail > 1 && digits[trail - 1] == '0')
        {
            trail--;
        }

        digits.Length = trail;
        var s = digits.ToString();
        var k = s.Length;

        var sb = new StringBuilder(k + 8);
        if (negative)
        {
            sb.Append('-');
        }

        if (k <= n && n <= 21)
        {
            sb.Append(s).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            sb.Append(s, 0, n).Append('.').Append(s, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            sb.Append("0.").Append('0', -n).Append(s);
        }
        else
        {
            var e = n - 1;
            sb.Append(s[0]);
            if (k > 1)
            {
                sb.Append('.').Append(s, 1, k - 1);
            }

            sb.Append('e').Append(e < 0 ? '-' : '+').Append(Math.Abs(e).ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }
}

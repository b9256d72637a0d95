using System.Globalization;

namespace DhtRpc.Storage.Json;

/// <summary>
/// ECMAScript <c>JSON.parse</c> over a string, iterative (an explicit stack of open containers), giving
/// <see cref="List{T}"/> for arrays, <see cref="JsObject"/>, <see cref="string"/>, <see cref="double"/>,
/// <see cref="bool"/> and <see cref="JsNull"/>. This part reads the structure; the scalars and the error
/// messages are in the other part.
/// </summary>
internal sealed partial class JsJsonParser(string text)
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
                if (stack.Count >= JsJson.MaxDepth)
                {
                    return Fail($"nesting is deeper than {JsJson.MaxDepth.ToString(CultureInfo.InvariantCulture)} levels");
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
}

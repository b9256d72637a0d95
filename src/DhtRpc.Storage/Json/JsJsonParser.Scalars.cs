using System.Globalization;
using System.Text;

namespace DhtRpc.Storage.Json;

/// <summary>Numbers, strings and the positioned error messages of <see cref="JsJsonParser"/>.</summary>
internal sealed partial class JsJsonParser
{
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

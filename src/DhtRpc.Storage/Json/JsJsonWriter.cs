using System.Globalization;
using System.Text;

namespace DhtRpc.Storage.Json;

/// <summary>
/// ECMAScript <c>JSON.stringify</c> of a parsed value, compact or with two-space indentation: array-index
/// keys first in ascending order, then the other keys in insertion order; well-formed string escaping.
/// Iterative, like the parser.
/// </summary>
internal static class JsJsonWriter
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
                sb.Append(EcmaNumber.Format(d));
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

using System.Globalization;
using System.Text;

namespace DhtRpc.Storage.Json;

/// <summary>
/// JSON normalisation that reproduces JavaScript exactly: <see cref="Normalize"/> returns what
/// <c>JSON.stringify(JSON.parse(text))</c> returns in Node, so content hashes computed here and in
/// JavaScript tools agree.
/// </summary>
/// <remarks>
/// <para>
/// The parser (<see cref="JsJsonParser"/>) follows ECMAScript <c>JSON.parse</c>: strict RFC 8259
/// grammar (no comments, no trailing commas, no leading zeros, no NaN), only the four JSON whitespace
/// characters, lone surrogate escapes allowed, duplicate keys resolved as "last value wins, first
/// position kept", and numbers read as IEEE doubles. The writer (<see cref="JsJsonWriter"/>) follows
/// <c>JSON.stringify</c>: array-index keys first in ascending order, ECMAScript number formatting
/// (<see cref="EcmaNumber"/>), and well-formed string escaping. Both are iterative, so deep nesting
/// cannot overflow the stack; nesting is capped at <see cref="MaxDepth"/>.
/// </para>
/// <para>
/// Hand-written because System.Text.Json differs from JavaScript exactly where hashes must agree: a
/// lone surrogate escape cannot be read into a string, duplicate keys are kept or refused rather than
/// "last wins", and numbers are laid out the .NET way (<c>1E+21</c> where JavaScript writes <c>1e+21</c>).
/// </para>
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
        return JsJsonWriter.Write(value, indent: false);
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
        var parser = new JsJsonParser(text);
        if (!parser.TryParse(out var value))
        {
            normalized = string.Empty;
            error = parser.Error;
            return false;
        }

        normalized = JsJsonWriter.Write(value, indent: false);
        error = null;
        return true;
    }

    /// <summary>Returns <c>JSON.stringify(JSON.parse(json), null, 2)</c>.</summary>
    /// <exception cref="FormatException">The text is not valid JSON (the message gives the position).</exception>
    public static string Indent(string normalizedJson)
    {
        ArgumentNullException.ThrowIfNull(normalizedJson);
        var value = ParseOrThrow(normalizedJson);
        return JsJsonWriter.Write(value, indent: true);
    }

    private static object ParseOrThrow(string text)
    {
        var parser = new JsJsonParser(text);
        if (!parser.TryParse(out var value))
        {
            throw new FormatException(parser.Error);
        }

        return value;
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DhtRpc.Storage.Json;

namespace DhtRpc.Storage.Tests.Json;

public sealed class JsJsonTests
{
    private const string SampleHash = "fe55bb60efb0b18d59e644a55263b4be25d8c5217dfd55a7d18eb37f5958a494";

    private static readonly Lock CorpusGate = new();
    private static Task<IReadOnlyList<NodeJsonResult>>? s_corpusResults;

    [Fact]
    public void Sample_file_hashes_to_the_known_content_hash()
    {
        // Read the bytes and decode them without dropping a BOM, as fs.readFileSync(path, 'utf8') does.
        var text = Encoding.UTF8.GetString(File.ReadAllBytes(TestFiles.SampleJson));

        var hash = Convert.ToHexStringLower(SHA256.HashData(JsJson.NormalizeToUtf8(text)));

        Assert.Equal(SampleHash, hash);
    }

    [Fact]
    public void Corpus_is_large_and_mixes_valid_and_invalid_inputs()
    {
        Assert.True(JsonCorpus.All.Count >= 200, $"corpus has only {JsonCorpus.All.Count} inputs");
        var valid = JsonCorpus.All.Count(t => JsJson.TryNormalize(t, out _, out _));
        Assert.True(valid >= 200, $"only {valid} valid inputs");
        Assert.True(JsonCorpus.All.Count - valid >= 100, $"only {JsonCorpus.All.Count - valid} invalid inputs");
    }

    [Fact]
    public async Task Corpus_normalizes_exactly_like_node()
    {
        var node = await CorpusResultsAsync();
        AssertAgreesWithNode(JsonCorpus.All, node, checkIndent: false);
    }

    [Fact]
    public async Task Corpus_indents_exactly_like_node()
    {
        var node = await CorpusResultsAsync();
        AssertAgreesWithNode(JsonCorpus.All, node, checkIndent: true);
    }

    [Fact]
    public async Task Random_documents_normalize_and_indent_exactly_like_node()
    {
        var generator = new RandomJsonGenerator(seed: 20260220);
        var inputs = Enumerable.Range(0, 2500)
            .Select(i => i % 5 == 4 ? generator.Mutate(generator.Next()) : generator.Next())
            .ToList();

        var node = await NodeJsonOracle.RunAsync(inputs);

        Assert.True(node.Count(r => r.Parsed) >= 2000, "the generator should produce at least 2,000 valid documents");
        Assert.True(node.Count(r => !r.Parsed) >= 300, "the mutations should produce invalid documents too");
        AssertAgreesWithNode(inputs, node, checkIndent: false);
        AssertAgreesWithNode(inputs, node, checkIndent: true);
    }

    [Theory]
    [InlineData("-0", "0")]
    [InlineData("1.0", "1")]
    [InlineData("1e21", "1e+21")]
    [InlineData("1e20", "100000000000000000000")]
    [InlineData("1e-7", "1e-7")]
    [InlineData("1e-6", "0.000001")]
    [InlineData("1.5e-7", "1.5e-7")]
    [InlineData("-2.5e300", "-2.5e+300")]
    [InlineData("1e400", "null")]
    [InlineData("9007199254740993", "9007199254740992")]
    [InlineData("5e-324", "5e-324")]
    [InlineData("1.7976931348623157e308", "1.7976931348623157e+308")]
    [InlineData("0.30000000000000004", "0.30000000000000004")]
    [InlineData("123456789012345678901", "123456789012345680000")]
    public void Numbers_follow_ecmascript_formatting(string input, string expected) =>
        Assert.Equal(expected, JsJson.Normalize(input));

    [Fact]
    public void Keys_put_array_indices_first_and_duplicates_keep_their_first_position()
    {
        var result = JsJson.Normalize("{\"b\":1,\"10\":2,\"a\":3,\"2\":4,\"b\":5,\"4294967295\":6,\"4294967294\":7,\"01\":8}");

        Assert.Equal("{\"2\":4,\"10\":2,\"4294967294\":7,\"b\":5,\"a\":3,\"4294967295\":6,\"01\":8}", result);
    }

    [Fact]
    public void Strings_escape_like_json_stringify()
    {
        var result = JsJson.Normalize("\"\\u0001\\u001f\\b\\t\\/\\u2028\\ud800\\udc00\\udc00\\ud800\\u00e9\"");

        Assert.Equal("\"\\u0001\\u001f\\b\\t/\u2028\U00010000\\udc00\\ud800é\"", result);
    }

    [Fact]
    public void Errors_are_one_sentence_with_line_and_column()
    {
        Assert.False(JsJson.TryNormalize("{\n  \"a\": 1,\n  \"b\": [1, 2,]\n}", out var normalized, out var error));

        Assert.Equal(string.Empty, normalized);
        Assert.NotNull(error);
        Assert.Equal("Invalid JSON at line 3, column 14 (offset 25): unexpected ']', expected a value (trailing commas are not allowed).", error);
        Assert.EndsWith(".", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void Normalize_throws_format_exception_with_the_same_message()
    {
        var ex = Assert.Throws<FormatException>(() => JsJson.Normalize("[01]"));

        Assert.Contains("line 1, column 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("leading zeros", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Byte_order_mark_is_rejected_with_a_message_that_names_it()
    {
        var withBom = Encoding.UTF8.GetString([0xEF, 0xBB, 0xBF, (byte)'{', (byte)'}']);

        Assert.False(JsJson.TryNormalize(withBom, out _, out var error));

        Assert.Contains("byte-order mark", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_is_capped_with_a_clear_error()
    {
        var atLimit = new string('[', JsJson.MaxDepth) + new string(']', JsJson.MaxDepth);
        var overLimit = "[" + atLimit + "]";

        Assert.Equal(atLimit, JsJson.Normalize(atLimit));
        Assert.Equal(2 * JsJson.MaxDepth, JsJson.Indent(atLimit).Count(c => c is '[' or ']'));
        Assert.False(JsJson.TryNormalize(overLimit, out _, out var error));
        Assert.Contains("deeper than 10000 levels", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Indent_uses_two_spaces_and_keeps_empty_containers_compact()
    {
        var result = JsJson.Indent("{\"a\":[1,{}],\"b\":[],\"c\":{\"d\":null}}");

        Assert.Equal("{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": [],\n  \"c\": {\n    \"d\": null\n  }\n}", result);
    }

    // One node process serves both corpus tests.
    private static Task<IReadOnlyList<NodeJsonResult>> CorpusResultsAsync()
    {
        lock (CorpusGate)
        {
            return s_corpusResults ??= NodeJsonOracle.RunAsync(JsonCorpus.All);
        }
    }

    private static void AssertAgreesWithNode(IReadOnlyList<string> inputs, IReadOnlyList<NodeJsonResult> node, bool checkIndent)
    {
        Assert.Equal(inputs.Count, node.Count);
        var failures = new List<string>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var expected = node[i];
            Assert.True(expected.Parsed == expected.Stringified, $"node could not stringify case {i}: {Show(inputs[i])}");
            var ok = JsJson.TryNormalize(inputs[i], out var normalized, out var error);
            if (ok != expected.Parsed)
            {
                failures.Add(ok
                    ? $"case {i}: node rejects {Show(inputs[i])} but we accept it as {Show(normalized)}"
                    : $"case {i}: node accepts {Show(inputs[i])} but we reject it: {error}");
                continue;
            }

            if (!ok)
            {
                continue;
            }

            var actual = checkIndent ? JsJson.Indent(normalized) : normalized;
            var wanted = checkIndent ? expected.Indented : expected.Compact;
            if (actual != wanted)
            {
                failures.Add($"case {i}: {Show(inputs[i])}: node gives {Show(wanted)}, we give {Show(actual)}");
            }
        }

        Assert.True(
            failures.Count == 0,
            $"{failures.Count} of {inputs.Count} cases differ from node:\n" + string.Join("\n", failures.Take(30)));
    }

    // Shows a string with everything outside printable ASCII escaped, shortened if long.
    private static string Show(string s)
    {
        var sb = new StringBuilder();
        foreach (var c in s.Length > 200 ? s[..200] : s)
        {
            sb.Append(c is >= ' ' and <= '~' ? c.ToString() : "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture));
        }

        return (s.Length > 200 ? sb.Append("…(" + s.Length.ToString(CultureInfo.InvariantCulture) + " chars)") : sb).ToString();
    }
}

using System.Globalization;
using System.Text;

namespace DhtRpc.Storage.Tests.Json;

/// <summary>Hand-picked JSON texts, valid and invalid, that exercise the corners of JSON.parse and JSON.stringify.</summary>
internal static class JsonCorpus
{
    public static IReadOnlyList<string> All { get; } = Build();

    private static string[] Numbers() =>
    [
        "0", "-0", "0.0", "-0.0", "0e0", "-0e-5", "1", "-1", "1.0", "1.5", "-1.5", "100", "1E2", "1e+2", "1E+2", "1e-0", "1e+0",
        "1e00001", "0.1e1", "4.35", "1e20", "1e21", "-1e21", "1e22", "999999999999999999999", "100000000000000000000",
        "123456789012345680000", "123456789012345678901", "1e-7", "-1e-7", "1e-6", "1.5e-7", "1.5e-6", "0.000001", "0.0000001",
        "0.00000123", "0.30000000000000004", "0.1", "0.2", "0.7", "1.1", "3.3", "5e-324", "-5e-324", "2.5e-324", "2e-324",
        "4.9406564584124654e-324", "2.2250738585072014e-308", "2.2250738585072011e-308", "2.225073858507201e-308",
        "1.7976931348623157e308", "-1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308",
        "1e309", "-1e309", "1e400", "1e-400", "-1e-400", "9007199254740991", "9007199254740992", "9007199254740993",
        "9007199254740995", "-9007199254740993", "18446744073709551615", "18446744073709551616",
        "12345678901234567890123456789", "3.141592653589793238462643383279502884197169399375105820974944592307816406286",
        "2.718281828459045", "1.2345678901234567e-10", "123e-20", "1e100", "1e-100", "-2.5e300", "-2.5e+300",
        "6.02214076e23", "1.602176634e-19", "0.5", "0.25", "0.125", "1234.5678", "1e15", "1e16", "1e17",
        "123456789012345.6", "0.000000000000000000000000000001", "4294967295", "4294967296", "2147483648", "-2147483649",
        "1." + new string('0', 400) + "1", new string('9', 400), "0." + new string('0', 330) + "1",
        "17976931348623157" + new string('0', 292), "1e-323", "7e-324", "8e-324",
        "0.1000000000000000055511151231257827021181583404541015625", "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203126", "9.999999999999999e20", "9.999999999999999e-8",
        "1.0000000000000001e21", "5e-7", "5e-6", "-0.0000001", "123456789e-15", "1e2e3",
    ];

    private static string[] Strings() =>
    [
        "\"\"", "\"plain\"", "\"with \\\"quotes\\\"\"", "\"back\\\\slash\"", "\"slash \\/ and /\"",
        "\"\\b\\f\\n\\r\\t\"", "\"\\u0008\\u000C\\u000a\\u000D\\u0009\"", "\"\\u0000\"", "\"\\u007f\\u0080\\u00ff\"",
        "\"\\u00E9\\u00e9é\"", "\"\\u2028\\u2029\"", "\"\u2028\u2029\"", "\"\\ufeff in string\"", "\"\uFEFF raw in string\"",
        "\"\\ud800\"", "\"\\udc00\"", "\"\\udbff\\udfff\"", "\"\\ud83d\\ude00\"", "\"\\ude00\\ud83d\"", "\"x\\ud800\"",
        "\"\\ud800x\"", "\"\\ud800\\ud800\\udc00\"", "\"\\udfff\\udfff\"", "\"\ud800 raw lone high\"", "\"raw lone low \udc00\"",
        "\"😀🎉👨‍👩‍👧‍👦🏳️‍🌈\"", "\"中文字符 日本語 한국어\"", "\"עברית العربية\"", "\"\u202Eright-to-left override\"",
        "\"e\u0301 combining\"", "\"\\u0041\\u0042\\u0043\"", "\"tab\there\"", "\"\u007F raw DEL\"", "\"\u0085 NEL \u00A0 NBSP\"",
        "\"\uFFFF\uFFFE\"", "\"\\uFFFF\"", "\"\\\\u0041 is not an escape\"", "\"ends with backslash \\\\\"",
        "\"" + new string('x', 5000) + "\"", "\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\\u0001j\"",
    ];

    private static string[] Objects() =>
    [
        "{}", "[]", "{\"a\":1}", "{\"b\":1,\"a\":2}", "{\"10\":1,\"2\":2,\"01\":3,\"-1\":4,\"1.5\":5,\"a\":6,\"0\":7}",
        "{\"4294967295\":1,\"4294967294\":2,\"4294967296\":3,\"0\":4}", "{\"b\":1,\"a\":2,\"b\":3}", "{\"a\":1,\"a\":2,\"a\":3}",
        "{\"x\":1,\"5\":2,\"x\":{\"y\":1},\"5\":[]}", "{\"a\":[1,2],\"a\":null}", "{\"\":1,\" \":2,\"\":3}",
        "{\"__proto__\":1,\"constructor\":2,\"toString\":3,\"hasOwnProperty\":4}", "{\"__proto__\":{\"polluted\":true}}",
        "{\"\\u0030\":1,\"0\":2}", "{\"\\u0031\\u0030\":\"ten\",\"9\":\"nine\"}", "{\"+1\":1,\"1e3\":2,\" 1\":3,\"1 \":4,\"00\":5}",
        "{\"99999999999\":1,\"9999999999\":2,\"999999999\":3}", "{\"\\ud800\":1,\"\\u2028\":2,\"\\n\":3}",
        "{\"nested\":{\"deeper\":{\"deepest\":[1,{\"k\":\"v\"}]}}}", "[1,\"two\",true,false,null,{},[],{\"a\":[]}]",
        "true", "false", "null", "[true,false,null]", "{\"z\":1,\"y\":2,\"x\":3,\"3\":4,\"2\":5,\"1\":6}",
        "{\"0\":\"a\",\"-0\":\"b\",\"4294967294\":\"c\",\"42949672940\":\"d\"}",
    ];

    private static string[] Whitespace() =>
    [
        " 1 ", "\t1\t", "\n1\n", "\r1\r", "\r\n[\r\n1\r\n,\r\n2\r\n]\r\n", " { \"a\" : 1 , \"b\" : [ 1 , 2 ] } ",
        "{\n\t\"a\"\n:\n\t1\n}", "[\t]", "{ }", "[\n\n\n]", "\"  inner  spaces  \"", "[ 1 ,2 , 3 ]",
        "  \t\r\n  null  \t\r\n  ",
    ];

    private static string[] Invalid() =>
    [
        "", " ", "\n\t", "[1,]", "[1,2,]", "{\"a\":1,}", "[,]", "{,}", "[1,,2]", "[,1]", "// comment\n1", "1 // comment",
        "/* c */ 1", "[1 /* c */]", "'single'", "{'a':1}", "{a:1}", "NaN", "-NaN", "Infinity", "-Infinity", "[NaN]",
        "01", "-01", "00", "0.", "1.", ".5", "-.5", "+1", "1e", "1e+", "1E-", "0x10", "1_000", "- 1", "--1", "1.0.0",
        "\"unterminated", "\"unterminated\\\"", "[1", "[1,2", "{\"a\":1", "{\"a\"", "{\"a\":", "[", "{", "]", "}", "1]",
        "{}}", "1 2", "{}{}", "[][]", "\"a\" \"b\"", "\"\\x41\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\U0041\"", "\"\\a\"",
        "\"\\'\"", "\"\\0\"", "\"\\", "{\"a\" 1}", "{\"a\":1 \"b\":2}", "[1 2]", "{1:2}", "{null:1}", "tru", "nul",
        "fals", "True", "FALSE", "Null", "undefined", "\uFEFF{}", "\uFEFF1", "\u00A01", "1\u00A0", "\u20281",
        "[1\u2029]", "\v1", "\f1", "[1,\v2]", "\u30001", "nulll", "truefalse", "[true false]", "-", "+", "e1",
        "\"\\ud800\\u\"",
    ];

    private static List<string> Build()
    {
        var all = new List<string>();
        foreach (var n in Numbers())
        {
            all.Add(n);
            all.Add("[" + n + "]");
            all.Add("{\"n\":" + n + "}");
        }

        all.AddRange(Strings());
        foreach (var s in Strings())
        {
            all.Add("{" + s + ":" + s + "}");
        }

        all.AddRange(Objects());
        all.AddRange(Whitespace());
        all.AddRange(Invalid());

        // Every control character, escaped (valid) and raw inside a string (invalid), and raw outside one.
        for (var c = 0; c < 0x20; c++)
        {
            var hex = c.ToString("x4", CultureInfo.InvariantCulture);
            var hexUpper = c.ToString("X4", CultureInfo.InvariantCulture);
            all.Add("\"\\u" + hex + "\"");
            all.Add("[\"a\\u" + hexUpper + "b\"]");
            all.Add("\"a" + (char)c + "b\"");
            all.Add((char)c + "1");
        }

        // Deep nesting well within what Node's recursive JSON.stringify can handle.
        all.Add(new string('[', 1000) + new string(']', 1000));
        all.Add(Repeat("{\"a\":", 1000) + "1" + new string('}', 1000));
        all.Add(Repeat("[{\"k\":", 500) + "null" + Repeat("}]", 500));
        all.Add(Repeat("{\"1\":[0,", 300) + "\"end\"" + Repeat("]}", 300));
        all.Add(new string('[', 100) + new string(']', 99));
        all.Add(new string('[', 100) + new string(']', 101));

        // A wide object with many array-index and string keys in shuffled order, with duplicates.
        var rng = new Random(7);
        var wide = new StringBuilder("{");
        for (var i = 0; i < 300; i++)
        {
            if (i > 0)
            {
                wide.Append(',');
            }

            var key = rng.Next(4) switch
            {
                0 => rng.Next(0, 200).ToString(CultureInfo.InvariantCulture),
                1 => "k" + rng.Next(0, 100).ToString(CultureInfo.InvariantCulture),
                2 => "0" + rng.Next(0, 50).ToString(CultureInfo.InvariantCulture),
                _ => ((uint)rng.NextInt64(4294967200L, 4294967296L)).ToString(CultureInfo.InvariantCulture),
            };
            wide.Append('"').Append(key).Append("\":").Append(i.ToString(CultureInfo.InvariantCulture));
        }

        all.Add(wide.Append('}').ToString());
        return all;
    }

    private static string Repeat(string s, int count) => new StringBuilder(s.Length * count).Insert(0, s, count).ToString();
}

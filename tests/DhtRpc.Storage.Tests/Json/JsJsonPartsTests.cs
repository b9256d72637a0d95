using DhtRpc.Storage.Json;

namespace DhtRpc.Storage.Tests.Json;

/// <summary>The parts under <see cref="JsJson"/>: number layout, object member order, parser and writer on their own.</summary>
public sealed class JsJsonPartsTests
{
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(1.0, "1")]
    [InlineData(-1.5, "-1.5")]
    [InlineData(123456789012345680000.0, "123456789012345680000")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1e-6, "0.000001")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(1.5e-7, "1.5e-7")]
    [InlineData(0.1, "0.1")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(double.NaN, "null")]
    [InlineData(double.PositiveInfinity, "null")]
    public void Numbers_are_laid_out_as_ecmascript_does(double value, string expected) =>
        Assert.Equal(expected, EcmaNumber.Format(value));

    [Fact]
    public void Object_members_keep_insertion_order_with_array_indexes_first()
    {
        var obj = new JsObject();
        obj.Set("b", 1.0);
        obj.Set("10", 2.0);
        obj.Set("a", 3.0);
        obj.Set("2", 4.0);
        obj.Set("b", 5.0);
        obj.Set("4294967295", 6.0);
        obj.Set("01", 7.0);

        Assert.Equal(["b", "10", "a", "2", "4294967295", "01"], obj.Keys);
        Assert.Equal(5.0, obj.Values[0]);
        Assert.Equal([3, 1, 0, 2, 4, 5], obj.Order());
        Assert.True(obj.HasArrayIndexKey);
    }

    [Fact]
    public void Parser_and_writer_round_trip_a_nested_value()
    {
        var parser = new JsJsonParser("""{ "x": [1, 2.50, {"y": null}], "s": "\ud800", "t": true }""");

        Assert.True(parser.TryParse(out var value));
        Assert.Equal("""{"x":[1,2.5,{"y":null}],"s":"\ud800","t":true}""", JsJsonWriter.Write(value, indent: false));
        Assert.Equal("{\n  \"x\": [\n    1,\n    2.5,\n    {\n      \"y\": null\n    }\n  ],\n  \"s\": \"\\ud800\",\n  \"t\": true\n}", JsJsonWriter.Write(value, indent: true));
    }

    [Fact]
    public void Parser_reports_the_position_of_an_error()
    {
        var parser = new JsJsonParser("[1,\n 2,]");

        Assert.False(parser.TryParse(out _));
        Assert.Equal("Invalid JSON at line 2, column 4 (offset 7): unexpected ']', expected a value (trailing commas are not allowed).", parser.Error);
    }
}

using System.Buffers;
using System.Text;
using System.Text.Json;

namespace DhtRpc.Cli;

/// <summary>
/// One line of JSON on stdout for --json, written field by field: serializing anonymous objects
/// would reflect over them (and emit code) on every run, some 60 ms of a one-shot verb's life.
/// </summary>
internal static class JsonLine
{
    public static void Print(Action<Utf8JsonWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        Console.WriteLine(Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    /// <summary>"name": ["a", "b", …].</summary>
    public static void WriteStrings(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(values);
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}

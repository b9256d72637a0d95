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
    /// <summary>True once a JSON line was printed (a failure then adds none of its own).</summary>
    public static bool Printed { get; private set; }

    public static void Print(Action<Utf8JsonWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        Printed = true;
        var buffer = new ArrayBufferWriter<byte>(512);
        // Quotes and apostrophes as they are: this is a terminal's and a script's line, not HTML.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
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

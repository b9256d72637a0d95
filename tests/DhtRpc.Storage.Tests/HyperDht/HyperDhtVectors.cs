using System.Text.Json;

namespace DhtRpc.Storage.Tests.HyperDht;

/// <summary>Encodings and signatures made by npm hyperdht 6.34.0 (interop/hyperdht-vectors.mjs) for fixed inputs.</summary>
internal static class HyperDhtVectors
{
    private static readonly JsonElement Root = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "hyperdht-vectors.json"))).RootElement;

    public static byte[] Bytes(params string[] path)
    {
        var element = Root;
        foreach (var name in path)
        {
            element = element.GetProperty(name);
        }

        return Convert.FromHexString(element.GetString()!);
    }

    /// <summary>The bytes 0, 1, 2 … as the generator makes them: <paramref name="count"/> bytes from <paramref name="start"/>.</summary>
    public static byte[] Run(int count, int start) => [.. Enumerable.Range(start, count).Select(i => (byte)i)];
}

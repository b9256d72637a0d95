namespace DhtRpc.Hostile;

/// <summary>The captured dht-rpc datagrams embedded in this program (vectors.txt: name, request|response, hex).</summary>
internal static class Vectors
{
    private static readonly Lazy<(List<byte[]> Requests, List<byte[]> Responses)> Loaded = new(Load);

    public static IReadOnlyList<byte[]> Requests => Loaded.Value.Requests;

    public static IReadOnlyList<byte[]> Responses => Loaded.Value.Responses;

    private static (List<byte[]>, List<byte[]>) Load()
    {
        using var stream = typeof(Vectors).Assembly.GetManifestResourceStream("DhtRpc.Hostile.vectors.txt")
            ?? throw new InvalidOperationException("vectors.txt is not embedded");
        using var reader = new StreamReader(stream);
        List<byte[]> requests = [], responses = [];
        while (reader.ReadLine() is { } line)
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 3 || line.StartsWith('#'))
            {
                continue;
            }

            (fields[1] == "request" ? requests : responses).Add(Convert.FromHexString(fields[2]));
        }

        return (requests, responses);
    }
}

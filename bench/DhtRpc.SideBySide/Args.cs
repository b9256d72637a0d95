using System.Globalization;

namespace DhtRpc.SideBySide;

/// <summary>--name value pairs.</summary>
internal sealed class Args
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static Args Parse(string[] args)
    {
        var parsed = new Args();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'");
            }

            var name = args[i][2..];
            var value = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
            parsed._values[name] = value;
        }

        return parsed;
    }

    public static int Usage(string message)
    {
        Console.Error.WriteLine(message);
        Console.Error.WriteLine("usage: DhtRpc.SideBySide [run] [--nodes 500] [--lookups 200] [--wave 10] [--load-seconds 5] [--window 64] [--rounds 3] [--storage-nodes 30] [--storage-ops 100] [--json-size 1024] [--phase-timeout-s 600] [--out docs/benchmarks.md]");
        return 2;
    }

    public string? Get(string name) => _values.TryGetValue(name, out var v) ? v : null;

    public int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) => Get(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public IEnumerable<string> ToArguments(params string[] names)
    {
        foreach (var name in names)
        {
            if (Get(name) is { } v)
            {
                yield return "--" + name;
                yield return v;
            }
        }
    }
}

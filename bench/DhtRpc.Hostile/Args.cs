using System.Globalization;

namespace DhtRpc.Hostile;

/// <summary>
/// The mode's options: "--name value", "--name=value" or a bare "--flag" (true). Options named in
/// <see cref="RawValued"/> always take the next word, even one starting with "--" (--node-args "--limit-local").
/// </summary>
internal sealed class Args
{
    private static readonly HashSet<string> RawValued = new(StringComparer.Ordinal) { "node-args" };
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Original { get; private init; } = [];

    /// <summary>Parses <paramref name="args"/> from <paramref name="start"/> on (before it: the mode), keeping all of them for the report.</summary>
    public static Args Parse(string[] args, int start)
    {
        var parsed = new Args { Original = args };
        for (var i = start; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'");
            }

            var name = args[i][2..];
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                parsed._values[name[..equals]] = name[(equals + 1)..];
                continue;
            }

            var takesNext = i + 1 < args.Length && (RawValued.Contains(name) || !args[i + 1].StartsWith("--", StringComparison.Ordinal));
            parsed._values[name] = takesNext ? args[++i] : "true";
        }

        return parsed;
    }

    public string? Get(string name) => _values.TryGetValue(name, out var v) ? v : null;

    public bool Flag(string name) => Get(name) is "true" or "1" or "yes";

    public int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public long Long(string name, long fallback) => Get(name) is { } v ? long.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) => Get(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
}

using System.Globalization;
using DhtRpc.Storage.Client;

namespace DhtRpc.Cli;

/// <summary>
/// The names this user stored warehouse items under, kept beside the identity (<c>names</c>: one
/// "target TAB name" line each), so that `warehouse list` can show "greeting" where a warehouse only
/// knows sha256("greeting"). Warehouses never learn names; a name not in the book shows as its hash.
/// </summary>
internal static class NameBook
{
    /// <summary>Most names kept; the oldest go first.</summary>
    private const int MaxNames = 10_000;

    private static string PathOf() => Path.Combine(Path.GetDirectoryName(Identity.DefaultPath())!, "names");

    /// <summary>Adds <paramref name="name"/>; a book that cannot be written is skipped (it is a convenience, never a failure).</summary>
    public static void Remember(string name)
    {
        if (name.Contains('\n', StringComparison.Ordinal) || name.Contains('\t', StringComparison.Ordinal))
        {
            return;
        }

        var target = WarehouseClient.TargetOf(name).ToString();
        try
        {
            // Only beside an identity that exists: an unsigned store leaves no files behind.
            var path = PathOf();
            if (!Directory.Exists(Path.GetDirectoryName(path)))
            {
                return;
            }

            var lines = File.Exists(path) ? File.ReadAllLines(path).ToList() : [];
            if (lines.Any(l => l.StartsWith(target + "\t", StringComparison.Ordinal)))
            {
                return;
            }

            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{target}\t{name}"));
            File.WriteAllLines(path, lines.Skip(Math.Max(0, lines.Count - MaxNames)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Names are shown when known; not knowing one costs nothing but the hash in its place.
        }
    }

    /// <summary>Target (64 hex) to name, for every name in the book; empty when there is none.</summary>
    public static IReadOnlyDictionary<string, string> Load()
    {
        try
        {
            var path = PathOf();
            if (!File.Exists(path))
            {
                return new Dictionary<string, string>();
            }

            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var line in File.ReadLines(path))
            {
                var tab = line.IndexOf('\t', StringComparison.Ordinal);
                if (tab == 64)
                {
                    names[line[..64]] = line[65..];
                }
            }

            return names;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Dictionary<string, string>();
        }
    }
}

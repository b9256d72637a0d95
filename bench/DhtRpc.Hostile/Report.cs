using System.Globalization;
using System.Text;

namespace DhtRpc.Hostile;

/// <summary>The markdown every mode prints: a header naming the machine and the command, then its tables; --out appends it to a file.</summary>
internal static class Report
{
    public static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>"## TITLE, date UTC", a blank line, then the machine, its load and the command that produced the section.</summary>
    public static StringBuilder SectionHeader(string title, Args args)
    {
        var text = new StringBuilder();
        text.AppendLine(Inv, $"## {title}, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine();
        text.Append(Inv, $"Machine: {CpuModel()}, {Environment.ProcessorCount} cores, load average {LoadAverage()} at the start; .NET {Environment.Version}. Command: `dotnet run -c Release --project bench/DhtRpc.Hostile -- {string.Join(' ', args.Original.Select(Quote))}`");
        return text;
    }

    /// <summary>Prints the section and, with --out, appends it to that file.</summary>
    public static async Task EmitAsync(StringBuilder section, Args args)
    {
        Console.WriteLine(section.ToString());
        if (args.Get("out") is { Length: > 0 } path)
        {
            var directory = Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            await File.AppendAllTextAsync(path, Environment.NewLine + section).ConfigureAwait(false);
            Console.Error.WriteLine($"appended to {path}");
        }
    }

    /// <summary>"yes" or "**no**" against a target, so that a missed target stands out in the table.</summary>
    public static string Met(bool met) => met ? "yes" : "**no**";

    public static string Mb(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.0", Inv);

    public static string F(double value, string format) => double.IsNaN(value) ? "n/a" : value.ToString(format, Inv);

    /// <summary>The q-quantile (nearest rank) of a list; NaN when empty.</summary>
    public static double Quantile(IReadOnlyList<double> values, double q)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(q * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }

    public static string FindRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "DhtRpc.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Run from inside the repository (DhtRpc.sln not found).");
    }

    private static string Quote(string argument) => argument.Contains(' ', StringComparison.Ordinal) || argument.Length == 0 ? $"\"{argument}\"" : argument;

    private static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}

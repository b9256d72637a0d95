using System.Text.RegularExpressions;

namespace DhtRpc.IntegrationTests.Cli;

/// <summary>Every `dht` command in docs/tour.md names a verb that exists and only options that verb's --help lists.</summary>
public sealed partial class TourCommandTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Every_tour_command_uses_options_its_verb_has()
    {
        var commands = TourCommands();
        Assert.Contains(commands, c => c.StartsWith("dht bootstrap --verbose", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.Contains("--location", StringComparison.Ordinal) && c.StartsWith("dht warehouse", StringComparison.Ordinal));

        var help = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var command in commands)
        {
            var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..];
            var verb = words[0] == "warehouse" ? words[..2] : words[..1];
            var path = string.Join(' ', verb);
            if (!help.TryGetValue(path, out var text))
            {
                var result = await DhtCli.RunAsync(Limit, [.. verb, "--help"]);
                Assert.True(result.ExitCode == 0, $"{command}\n{result}");
                help[path] = text = result.StandardOutput;
            }

            foreach (var option in words.Where(w => w.StartsWith("--", StringComparison.Ordinal)))
            {
                Assert.True(Regex.IsMatch(text, $@"(^|[\s,]){Regex.Escape(option)}([\s,<]|$)", RegexOptions.Multiline), $"`{command}`: dht {path} has no {option}");
            }
        }
    }

    /// <summary>The lines of the tour's sh blocks that run dht, without their comments.</summary>
    internal static List<string> TourCommands()
    {
        var tour = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "tour.md"));
        return ShBlock().Matches(tour)
            .SelectMany(m => m.Groups[1].Value.Split('\n'))
            .Select(line => line.Split(" #")[0].Trim())
            .Where(line => line.StartsWith("dht ", StringComparison.Ordinal))
            .ToList();
    }

    [GeneratedRegex("```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShBlock();
}

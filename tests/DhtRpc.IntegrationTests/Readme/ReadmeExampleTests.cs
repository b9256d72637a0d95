using System.Text.RegularExpressions;

namespace DhtRpc.IntegrationTests.Readme;

/// <summary>The README's C# example is this project's code: the same lines, and it runs.</summary>
public sealed partial class ReadmeExampleTests
{
    [Fact]
    public void The_readmes_csharp_block_is_the_compiled_example()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var block = Assert.Single(CSharpBlock().Matches(readme)).Groups["code"].Value.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var source = File.ReadAllLines(Path.Combine(RepoPaths.Root, "tests", "DhtRpc.IntegrationTests", "Readme", "ReadmeExample.cs"));
        var begin = Array.FindIndex(source, l => l.Trim() == "// README:begin");
        var end = Array.FindIndex(source, l => l.Trim() == "// README:end");
        var body = source[(begin + 1)..end].Select(l => l.Length >= 8 ? l[8..] : l.Trim()).ToList();

        var usings = block.TakeWhile(l => l.StartsWith("using ", StringComparison.Ordinal)).ToList();
        Assert.Equal(source.Where(l => l.StartsWith("using ", StringComparison.Ordinal)), usings);
        Assert.Equal(body, block.Skip(usings.Count).SkipWhile(string.IsNullOrEmpty).ToList());
    }

    [Fact]
    public async Task The_example_runs_and_reads_back_what_it_stored()
    {
        using var output = new StringWriter();

        var json = await ReadmeExample.RunAsync(output);

        Assert.Equal("""{"hello":"world"}""", json);
        Assert.Contains(" on ", output.ToString(), StringComparison.Ordinal);
    }

    [GeneratedRegex("```csharp\n(?<code>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}

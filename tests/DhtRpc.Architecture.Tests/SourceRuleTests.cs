namespace DhtRpc.Architecture.Tests;

/// <summary>Rules about the shipped sources themselves: files small enough to read in one sitting.</summary>
public sealed class SourceRuleTests
{
    private const int MaxLines = 400;

    [Fact]
    public void No_source_file_under_src_is_longer_than_400_lines()
    {
        var sources = Repository.Sources("src").ToList();
        Assert.NotEmpty(sources);

        var tooLong = sources
            .Select(path => (Path: Repository.Relative(path), Lines: File.ReadLines(path).Count()))
            .Where(file => file.Lines > MaxLines)
            .Select(file => $"{file.Path} ({file.Lines} lines)")
            .ToList();

        Assert.True(tooLong.Count == 0, $"Split these files (at most {MaxLines} lines each): {string.Join(", ", tooLong)}.");
    }
}

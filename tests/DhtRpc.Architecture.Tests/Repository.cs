namespace DhtRpc.Architecture.Tests;

/// <summary>Finds the repository's root (the folder holding DhtRpc.sln) from the test's output folder.</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "DhtRpc.sln")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No DhtRpc.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>The C# sources under a folder of the repository, build output left out.</summary>
    public static IEnumerable<string> Sources(string folder) =>
        Directory.EnumerateFiles(Path.Combine(Root, folder), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    public static string Relative(string path) => Path.GetRelativePath(Root, path);
}

namespace DhtRpc.Testing;

/// <summary>Locates the repository checkout the tests were built from.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootValue = new(FindRoot);

    /// <summary>The folder holding DhtRpc.sln.</summary>
    public static string Root => RootValue.Value;

    public static string Interop => Path.Combine(Root, "interop");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DhtRpc.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Cannot find DhtRpc.sln in any parent folder of {AppContext.BaseDirectory}.");
    }
}

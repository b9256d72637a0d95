using System.Reflection;

namespace DhtRpc.Architecture.Tests;

/// <summary>The assemblies the repository ships, loaded from this test's output folder, and the layer each may use.</summary>
internal static class ShippedAssemblies
{
    /// <summary>Each shipped assembly and the only assemblies of ours it may reference: nothing reaches upward.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> AllowedReferences = new Dictionary<string, string[]>
    {
        ["DhtRpc"] = [],
        ["DhtRpc.Simulation"] = ["DhtRpc"],
        ["DhtRpc.Storage"] = ["DhtRpc"],
        ["DhtRpc.Hosting"] = ["DhtRpc", "DhtRpc.Storage"],
        ["dht"] = ["DhtRpc", "DhtRpc.Simulation", "DhtRpc.Storage", "DhtRpc.Hosting"],
    };

    /// <summary>Assemblies of ours that never ship: the projects under tests/ and bench/.</summary>
    public static bool IsTestOrBenchmark(string name) => Unshipped.Value.Contains(name);

    private static readonly Lazy<HashSet<string>> Unshipped = new(() =>
        [.. new[] { "tests", "bench" }.SelectMany(folder => Directory.GetDirectories(Path.Combine(Repository.Root, folder))).Select(path => Path.GetFileName(path)!)]);

    public static bool IsOurs(string name) => name == "dht" || name == "DhtRpc" || name.StartsWith("DhtRpc.", StringComparison.Ordinal);

    public static Assembly Load(string name) =>
        Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, name + ".dll"));
}

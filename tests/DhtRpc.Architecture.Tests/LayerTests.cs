using System.Runtime.CompilerServices;

namespace DhtRpc.Architecture.Tests;

/// <summary>The dependency rule of docs/architecture.md, checked on the built assemblies so it cannot drift.</summary>
public sealed class LayerTests
{
    public static TheoryData<string> Shipped => [.. ShippedAssemblies.AllowedReferences.Keys];

    [Theory]
    [MemberData(nameof(Shipped))]
    public void A_shipped_assembly_references_only_the_layers_below_it(string name)
    {
        var allowed = ShippedAssemblies.AllowedReferences[name];

        var ours = ShippedAssemblies.Load(name).GetReferencedAssemblies()
            .Select(reference => reference.Name!)
            .Where(ShippedAssemblies.IsOurs)
            .ToList();

        var upward = ours.Except(allowed).ToList();
        Assert.True(upward.Count == 0, $"{name} references {string.Join(", ", upward)}; it may use only: {(allowed.Length == 0 ? "none of ours" : string.Join(", ", allowed))}.");
    }

    [Theory]
    [MemberData(nameof(Shipped))]
    public void A_shipped_assembly_shows_its_internals_only_to_tests_and_benchmarks(string name)
    {
        var friends = ShippedAssemblies.Load(name)
            .GetCustomAttributes(typeof(InternalsVisibleToAttribute), inherit: false)
            .Cast<InternalsVisibleToAttribute>()
            .Select(attribute => attribute.AssemblyName.Split(',')[0].Trim())
            .ToList();

        var shippedFriends = friends.Where(friend => !ShippedAssemblies.IsTestOrBenchmark(friend)).ToList();
        Assert.True(shippedFriends.Count == 0, $"{name} shows its internals to shipped assemblies: {string.Join(", ", shippedFriends)}.");
    }

    [Fact]
    public void Every_shipped_assembly_of_the_source_tree_is_covered_by_the_rule()
    {
        var projects = Directory.GetDirectories(Path.Combine(Repository.Root, "src"))
            .Select(Path.GetFileName)
            .Select(folder => folder == "DhtRpc.Cli" ? "dht" : folder!)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(ShippedAssemblies.AllowedReferences.Keys.Order(StringComparer.Ordinal), projects);
    }
}

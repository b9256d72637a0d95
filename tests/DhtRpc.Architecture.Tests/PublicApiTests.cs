namespace DhtRpc.Architecture.Tests;

/// <summary>Every shipped library declares its public API (PublicApiAnalyzers) and ships XML docs for it.</summary>
public sealed class PublicApiTests
{
    public static TheoryData<string> Libraries => [.. ShippedAssemblies.AllowedReferences.Keys.Where(name => name != "dht")];

    [Theory]
    [MemberData(nameof(Libraries))]
    public void A_library_declares_its_public_api_and_the_analyzer_checks_it(string name)
    {
        var folder = Path.Combine(Repository.Root, "src", name);
        var project = File.ReadAllText(Path.Combine(folder, name + ".csproj"));
        var shipped = File.ReadAllLines(Path.Combine(folder, "PublicAPI.Shipped.txt"));

        Assert.True(File.Exists(Path.Combine(folder, "PublicAPI.Unshipped.txt")), $"{name} has no PublicAPI.Unshipped.txt");
        Assert.Contains("Microsoft.CodeAnalysis.PublicApiAnalyzers", project, StringComparison.Ordinal);
        Assert.Equal("#nullable enable", shipped[0]);
        var unshipped = File.ReadAllLines(Path.Combine(folder, "PublicAPI.Unshipped.txt"));
        Assert.True(shipped.Length + unshipped.Length > 10, $"{name} declares almost no public API");
    }

    [Theory]
    [MemberData(nameof(Libraries))]
    public void A_library_is_built_with_its_xml_documentation(string name)
    {
        var docs = Path.Combine(AppContext.BaseDirectory, name + ".xml");

        Assert.True(File.Exists(docs), $"{name}.xml is not beside {name}.dll: GenerateDocumentationFile is off");
        Assert.Contains("<member name=\"T:", File.ReadAllText(docs), StringComparison.Ordinal);
    }
}

namespace DhtRpc.Testing;

/// <summary>Files every project referencing DhtRpc.Testing finds in its output folder.</summary>
public static class TestFiles
{
    /// <summary>data/sample.json of the repository, copied next to the tests as TestData/sample.json.</summary>
    public static string SampleJson => Path.Combine(AppContext.BaseDirectory, "TestData", "sample.json");
}

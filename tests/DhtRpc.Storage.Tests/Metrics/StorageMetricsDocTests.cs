using System.Diagnostics.Metrics;
using System.Reflection;
using DhtRpc.Storage.Stores;

namespace DhtRpc.Storage.Tests.Metrics;

/// <summary>docs/metrics.md names every instrument of the storage node, its tags and its Prometheus name, so it cannot drift.</summary>
public sealed class StorageMetricsDocTests
{
    private static readonly string Doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "metrics.md"));

    public static TheoryData<string> Names => [.. Constants()];

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_name_of_StorageMetrics_is_in_the_doc(string name) =>
        Assert.Contains($"`{name}`", Doc, StringComparison.Ordinal);

    [Fact]
    public async Task The_doc_gives_every_storage_instrument_its_unit_and_Prometheus_name()
    {
        using var meter = new Meter(StorageMetrics.MeterName);
        using var metrics = new MeterRecorder(meter);
        await using var node = new DhtNode(new DhtNodeOptions { Host = "127.0.0.1", Bootstrap = [] });
        using var store = new InMemoryItemStore();
        await using (new StorageNode(node, store, new StorageOptions { Meter = meter }))
        {
        }

        Assert.NotEmpty(metrics.Instruments);
        Assert.All(metrics.Instruments, instrument =>
        {
            Assert.Contains($"`{PrometheusNames.Of(instrument)}`", Doc, StringComparison.Ordinal);
            Assert.Contains($"`{instrument.Unit}`", Doc, StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(instrument.Description), $"{instrument.Name} has no description");
        });
    }

    internal static IEnumerable<string> Constants() =>
        typeof(StorageMetrics).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!);
}

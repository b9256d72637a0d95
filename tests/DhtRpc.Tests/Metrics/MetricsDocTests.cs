using System.Diagnostics.Metrics;
using System.Reflection;
using Xunit;

namespace DhtRpc.Tests.Metrics;

/// <summary>docs/metrics.md names every instrument of the node, its tags and its Prometheus name, so it cannot drift.</summary>
public sealed class MetricsDocTests
{
    private static readonly string Doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "metrics.md"));

    public static TheoryData<string> Names => [.. Constants()];

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_name_of_DhtMetrics_is_in_the_doc(string name) =>
        Assert.Contains($"`{name}`", Doc, StringComparison.Ordinal);

    [Fact]
    public async Task The_node_creates_exactly_the_instruments_DhtMetrics_names_and_the_doc_gives_their_Prometheus_names()
    {
        using var meter = new Meter(DhtMetrics.MeterName);
        using var metrics = new MeterRecorder(meter);
        await using (new DhtNode(new DhtNodeOptions { Host = "127.0.0.1", Bootstrap = [], Meter = meter }))
        {
        }

        var instruments = metrics.Instruments;
        var instrumentNames = Constants().Where(c => c.StartsWith("dht.", StringComparison.Ordinal));
        Assert.Equal(instrumentNames.Order(StringComparer.Ordinal), instruments.Select(i => i.Name).Order(StringComparer.Ordinal));
        Assert.All(instruments, instrument =>
        {
            var exported = PrometheusNames.Of(instrument);
            Assert.Contains($"`{exported}`", Doc, StringComparison.Ordinal);
            Assert.Contains($"`{instrument.Unit}`", Doc, StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(instrument.Description), $"{instrument.Name} has no description");
        });
    }

    private static IEnumerable<string> Constants() =>
        typeof(DhtMetrics).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!);
}

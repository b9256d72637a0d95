using DhtRpc.Cli.Simulate;

namespace DhtRpc.Simulation.Tests.Scale;

/// <summary>Continuous churn in the scale experiment: nodes leave and join at a steady rate while lookups run.</summary>
public sealed class ChurnExperimentTests
{
    [Fact]
    public void Nodes_replaced_at_ten_percent_a_minute_keep_the_size_and_lookups_still_find_their_targets()
    {
        var experiment = new ScaleExperiment(new ScaleOptions { Nodes = 300, Seed = 5 });
        experiment.Build();

        var run = experiment.RunChurn(new ChurnOptions(0.10, TimeSpan.FromMinutes(2), 40));

        Assert.Equal(2, run.Minutes.Count);
        Assert.All(run.Minutes, m => Assert.Equal(300, m.Live));
        // 10% of 300 a minute, give or take the rounding of the last second's share.
        Assert.InRange(run.Minutes.Sum(m => m.Left), 58, 60);
        Assert.InRange(run.Minutes.Sum(m => m.Joined), 50, 60);
        Assert.Equal(300 + run.Minutes.Sum(m => m.Left), experiment.Nodes.Count);
        Assert.Equal(run.Minutes.Sum(m => m.Left), experiment.Nodes.Count(n => n.Destroyed));

        Assert.Equal(40, run.Lookups.Count);
        var counted = run.Lookups.Where(l => l.Counted).ToList();
        Assert.True(counted.Count >= 30, $"{counted.Count} of 40 lookups had both ends live");
        Assert.True(counted.Count(l => l.Found) >= counted.Count - 1, $"{counted.Count(l => l.Found)} of {counted.Count} found their target");
        Assert.True(counted.Sum(l => l.Unanswered) > 0, "departed nodes stay in tables until a lookup finds them silent");
        Assert.All(counted, l => Assert.True(l.VirtualTime > TimeSpan.Zero));
    }
}

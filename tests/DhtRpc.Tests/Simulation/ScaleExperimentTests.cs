using DhtRpc.Simulation.Scale;
using Xunit;

namespace DhtRpc.Tests.Simulation;

public sealed class ScaleExperimentTests
{
    [Fact]
    public void Two_hundred_nodes_find_every_target_with_nobody_gone()
    {
        var experiment = new ScaleExperiment(new ScaleOptions { Nodes = 200, Lookups = 40, Seed = 7 });
        var build = experiment.Build();
        Assert.Equal(200, build.Nodes);
        Assert.Equal(200, experiment.Nodes.Count);

        var row = experiment.RunLookups(0);
        Assert.Equal(1.0, row.SuccessRate);
        Assert.InRange(row.MeanHops, 1, 10);
        Assert.True(row.MeanRequests > 0);
        Assert.True(row.MeanDatagrams >= row.MeanRequests);
    }

    [Fact]
    public void Many_capped_waves_do_not_overflow_the_wave_size()
    {
        // 70 nodes in waves of at most 2 is 36 waves: an uncapped doubling would pass 2^31.
        var experiment = new ScaleExperiment(new ScaleOptions { Nodes = 70, MaxWave = 2, Lookups = 1 });
        var build = experiment.Build();
        Assert.Equal(70, build.Nodes);
        Assert.True(build.Waves >= 35);
    }

    [Fact]
    public void Nodes_have_the_ids_of_their_addresses()
    {
        var experiment = new ScaleExperiment(new ScaleOptions { Nodes = 20, Lookups = 1 });
        experiment.Build();
        for (var i = 0; i < experiment.Nodes.Count; i++)
        {
            Assert.Equal(experiment.IdOf(i), experiment.Nodes[i].Id);
        }
    }

    [Fact]
    public void Percentile_is_nearest_rank()
    {
        double[] values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        Assert.Equal(5, ScaleExperiment.Percentile(values, 0.5));
        Assert.Equal(9, ScaleExperiment.Percentile(values, 0.9));
        Assert.Equal(1, ScaleExperiment.Percentile(values, 0));
    }
}

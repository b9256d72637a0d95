using DhtRpc.Cli.Simulate;

namespace DhtRpc.Simulation.Tests.Scale;

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
    public void Joins_leave_far_rows_part_empty_and_the_top_up_fills_every_table_to_converged()
    {
        var joined = new ScaleExperiment(new ScaleOptions { Nodes = 400, Lookups = 1, Seed = 3, ConvergeTables = false }).Build();
        Assert.Equal(joined.Joined, joined.Tables);
        Assert.True(joined.Tables.FarRowFill < 0.95, $"far rows {joined.Tables.FarRowFill}");

        var converged = new ScaleExperiment(new ScaleOptions { Nodes = 400, Lookups = 1, Seed = 3 }).Build();
        Assert.Equal(joined.Joined, converged.Joined);
        Assert.Equal(1.0, converged.Tables.FarRowFill);
        Assert.Equal(1.0, converged.Tables.NearRowFill);
        Assert.Equal(converged.Tables.MeanConverged, converged.Tables.MeanEntries);
    }

    [Fact]
    public void Converged_table_size_matches_a_count_over_every_pair()
    {
        var experiment = new ScaleExperiment(new ScaleOptions { Nodes = 120, Lookups = 1, Seed = 5, ConvergeTables = false });
        experiment.Build();
        var ids = experiment.Nodes.Select(n => n.Id!.Value).ToArray();
        var k = experiment.Nodes[0].Options.K;
        long expected = 0;
        foreach (var id in ids)
        {
            expected += ids.Where(o => o != id).GroupBy(o => id.CommonPrefixLength(o)).Sum(g => Math.Min(k, g.Count()));
        }

        Assert.Equal((double)expected / ids.Length, experiment.MeasureTables().MeanConverged, 9);
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

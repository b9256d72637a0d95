namespace DhtRpc.IntegrationTests.Cli;

/// <summary>`dht simulate --churn` through the real executable, and a long simulation stopped by Ctrl-C.</summary>
public sealed class CliSimulateTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Churn_prints_a_row_per_virtual_minute_and_one_for_the_whole_run()
    {
        var result = await DhtCli.RunAsync(Limit, "simulate", "--nodes", "60", "--churn", "10", "--churn-minutes", "2", "--lookups", "10");

        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = result.StandardOutput.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)).ToList();
        Assert.StartsWith("| minute | live at end | left | joined |", rows[0], StringComparison.Ordinal);
        Assert.StartsWith("| 1 | 60 | 6 |", rows[1], StringComparison.Ordinal);
        Assert.StartsWith("| 2 | 60 | 6 |", rows[2], StringComparison.Ordinal);
        Assert.StartsWith("| all | 60 | 12 |", rows[3], StringComparison.Ordinal);
        Assert.Contains("10% replaced per minute", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--churn", "101", "--churn-minutes", "5", "--churn takes a percentage in (0, 100] (got 101).")]
    [InlineData("--churn", "5", "--churn-minutes", "0", "--churn-minutes must be between 1/60 and 1440 (got 0).")]
    public async Task Churn_options_out_of_range_are_usage_errors(string option, string value, string other, string otherValue, string message)
    {
        var result = await DhtCli.RunAsync(Limit, "simulate", "--nodes", "20", option, value, other, otherValue);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(message, result.StandardError.Trim());
    }

    [Fact]
    public async Task Ctrl_c_stops_a_long_simulation_between_waves()
    {
        await using var simulation = DhtCliProcess.StartInteractive("simulate", "--nodes", "200000", "--csv", "", "--png", "");
        await simulation.WaitForLineAsync(l => l.StartsWith("## dht simulate: 200000 nodes", StringComparison.Ordinal), Limit);

        Assert.Equal(1, await simulation.SignalAsync("INT", Limit));
        Assert.Contains("Cancelled.", simulation.Output, StringComparison.Ordinal);
    }
}
